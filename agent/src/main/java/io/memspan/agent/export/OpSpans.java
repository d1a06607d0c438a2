package io.memspan.agent.export;

import static io.memspan.agent.export.SpanSchema.*;

import io.memspan.agent.op.Advice;
import io.memspan.agent.op.CallSite;
import io.memspan.agent.op.Op;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.SyscallRecord;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.TimeUnit;

/** Turns ops and advice into spans following {@link SpanSchema}. Runs on the export thread. */
final class OpSpans {
  private final Tracer tracer;

  OpSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  void emit(Op op) {
    SpanBuilder b = tracer.spanBuilder(op.name())
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(op.startEpochNanos(), TimeUnit.NANOSECONDS)
        .setAttribute(STRUCTURE_TYPE, op.structureType())
        .setAttribute(STRUCTURE_ID, (long) op.structureId())
        .setAttribute(CAPACITY_BEFORE, op.capacityBefore())
        .setAttribute(CAPACITY_AFTER, op.capacityAfter())
        .setAttribute(BYTES_COPIED, op.bytesCopied())
        .setAttribute(BYTES_ALLOCATED, op.bytesAllocated())
        .setAttribute(TID, (long) op.tid())
        .setAttribute(THREAD_ID, op.threadId());
    if (op.size() >= 0) {
      // -1: not known (a ConcurrentHashMap helper's share, a JDK 21+ builder grown by a caller
      // that does not pass its length), and unknown is left out rather than sent as a number
      b.setAttribute(SIZE, op.size());
    }
    if (op.threadName() != null) {
      b.setAttribute(THREAD_NAME, op.threadName());
    }
    if (op.kernelSource() != null) {
      b.setAttribute(KERNEL_SOURCE, op.kernelSource());
    }
    if (op.resizeId() != 0) {
      b.setAttribute(RESIZE_ID, op.resizeId());
    }
    callSite(b, op.callSite());
    // Only what the source measured: with none (an op before the kernel source was ready, or
    // memspan.kernel=off) the counters are unknown, not zero faults; rusage counts faults only,
    // every one as a user fault, and sees no mmap.
    SlotCounters c = op.counters();
    String source = op.kernelSource();
    if (c != null && source != null && !source.equals(MemoryProbe.NONE)) {
      b.setAttribute(PAGE_FAULTS, c.userFaults);
      if (!source.equals(MemoryProbe.RUSAGE)) {
        b.setAttribute(PAGE_FAULTS_KERNEL, c.kernelFaults)
            .setAttribute(MMAP_COUNT, c.mmapCount)
            .setAttribute(MMAP_BYTES, c.mmapBytes)
            .setAttribute(MUNMAP_BYTES, c.munmapBytes);
      }
    }
    Span span = b.startSpan();
    if (op.events() != null) {
      for (SyscallRecord r : op.events()) {
        span.addEvent(r.syscall().eventName(), eventAttributes(r),
            eventTime(r, op.startEpochNanos(), op.endEpochNanos()), TimeUnit.NANOSECONDS);
      }
    }
    span.end(Math.max(op.endEpochNanos(), op.startEpochNanos()), TimeUnit.NANOSECONDS);
  }

  void emit(Advice a) {
    long now = EpochClock.nowEpochNanos();
    SpanBuilder b = tracer.spanBuilder(ADVICE_SPAN)
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(now, TimeUnit.NANOSECONDS)
        .setAttribute(STRUCTURE_TYPE, a.structureType())
        .setAttribute(ADVICE_SAMPLES, a.samples())
        .setAttribute(ADVICE_MEAN, a.meanSize())
        .setAttribute(ADVICE_STDDEV, a.stddevSize())
        .setAttribute(ADVICE_MAX, a.maxSize())
        .setAttribute(ADVICE_RECOMMENDED_CAPACITY, a.recommendedCapacity())
        .setAttribute(ADVICE_RESIZES_OBSERVED, a.resizesObserved())
        .setAttribute(ADVICE_RESIZES_SAVED, a.resizesSaved())
        .setAttribute(ADVICE_BYTES_COPIED_SAVED, a.bytesCopiedSaved())
        .setAttribute(ADVICE_FAULTS_SAVED, a.faultsSaved());
    callSite(b, a.callSite());
    b.startSpan().end(now, TimeUnit.NANOSECONDS);
  }

  private static void callSite(SpanBuilder b, CallSite site) {
    if (site == null || site.equals(CallSite.UNKNOWN)) {
      return;
    }
    b.setAttribute(CODE_FUNCTION_NAME, site.functionName());
    if (site.fileName() != null && !site.fileName().isEmpty()) {
      b.setAttribute(CODE_FILE_PATH, site.fileName());
    }
    if (site.lineNumber() >= 0) {
      b.setAttribute(CODE_LINE_NUMBER, (long) site.lineNumber());
    }
  }

  static Attributes eventAttributes(SyscallRecord r) {
    String[] names = r.syscall().argNames();
    long[] args = r.args() == null ? new long[0] : r.args();
    AttributesBuilder ab = Attributes.builder();
    for (int i = 0; i < names.length && i < args.length; i++) {
      ab.put(names[i], args[i]);
    }
    ab.put(EVENT_RET, r.ret());
    return ab.build();
  }

  /** The syscall's entry, on the span clock, kept inside the span (the clocks agree to ~us). */
  private static long eventTime(SyscallRecord r, long start, long end) {
    long t = EpochClock.toEpochNanos(r.enterNs());
    return Math.min(Math.max(t, start), Math.max(start, end));
  }
}
