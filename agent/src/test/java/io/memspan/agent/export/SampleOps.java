package io.memspan.agent.export;

import io.memspan.agent.op.Advice;
import io.memspan.agent.op.CallSite;
import io.memspan.agent.op.Op;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.SyscallRecord;
import java.util.List;

/** Ops and advice with every field set to a distinct value, so a test can check each one. */
final class SampleOps {
  private SampleOps() {}

  static final CallSite SITE = new CallSite("com.acme.Orders", "load", "Orders.java", 42);

  /** The same op as {@link #op(long)}, as recorded by another kernel source (no syscall events). */
  static Op op(long id, String kernelSource) {
    Op o = op(id);
    return new Op(o.opId(), o.name(), o.structureType(), o.structureId(), o.resizeId(),
        o.capacityBefore(), o.capacityAfter(), o.size(), o.bytesCopied(), o.bytesAllocated(),
        o.startEpochNanos(), o.endEpochNanos(), o.tid(), o.threadId(), o.threadName(),
        o.callSite(), o.counters(), List.of(), kernelSource);
  }

  static Op op(long id) {
    SlotCounters c = new SlotCounters();
    c.userFaults = 16_384;
    c.kernelFaults = 7;
    c.mmapCount = 1;
    c.mmapBytes = 67_112_960;
    c.munmapCount = 1;
    c.munmapBytes = 4096;
    long start = EpochClock.nowEpochNanos() - 2_000_000;
    long mono = System.nanoTime() - 1_000_000;
    List<SyscallRecord> events = List.of(
        new SyscallRecord(SyscallRecord.Syscall.MMAP, 4242, mono, mono + 900,
            new long[] {0, 67_112_960, 3, 34, -1, 0}, 0x7f00_0000_0000L, id),
        new SyscallRecord(SyscallRecord.Syscall.MUNMAP, 4242, mono + 1000, mono + 1500,
            new long[] {0x7f00_1000_0000L, 4096}, 0, id));
    return new Op(id, "ArrayList.grow", "java.util.ArrayList", 123456, 0, 10_000, 15_000,
        10_000, 40_000, 60_016, start, start + 1_500_000, 4242, 1L, "main", SITE, c, events,
        "bcc");
  }

  static Advice advice() {
    return new Advice("java.util.HashMap", SITE, 12, 1000.5, 10.25, 1031, 1399, 120, 110,
        1_048_576, 64);
  }
}
