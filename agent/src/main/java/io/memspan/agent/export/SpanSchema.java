package io.memspan.agent.export;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Every span, event and attribute name memspan exports (DESIGN "Span schema"), defined once.
 * OpenTelemetry semantic-convention names where they exist ({@code code.*}, {@code thread.*});
 * {@code memspan.*} for the rest.
 */
public final class SpanSchema {
  private SpanSchema() {}

  /** Instrumentation scope of every span and metric. */
  public static final String SCOPE = "io.memspan.agent";

  // ---- call site and thread (semantic conventions) ----
  public static final AttributeKey<String> CODE_FUNCTION_NAME =
      AttributeKey.stringKey("code.function.name");
  /** The source file the JVM reports for the frame (a file name; Java keeps no directory). */
  public static final AttributeKey<String> CODE_FILE_PATH = AttributeKey.stringKey("code.file.path");
  public static final AttributeKey<Long> CODE_LINE_NUMBER = AttributeKey.longKey("code.line.number");
  public static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");
  public static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");

  // ---- the operation ----
  public static final AttributeKey<String> STRUCTURE_TYPE =
      AttributeKey.stringKey("memspan.structure.type");
  public static final AttributeKey<Long> STRUCTURE_ID = AttributeKey.longKey("memspan.structure.id");
  public static final AttributeKey<Long> CAPACITY_BEFORE =
      AttributeKey.longKey("memspan.capacity.before");
  public static final AttributeKey<Long> CAPACITY_AFTER =
      AttributeKey.longKey("memspan.capacity.after");
  public static final AttributeKey<Long> SIZE = AttributeKey.longKey("memspan.size");
  public static final AttributeKey<Long> BYTES_COPIED = AttributeKey.longKey("memspan.bytes.copied");
  public static final AttributeKey<Long> BYTES_ALLOCATED =
      AttributeKey.longKey("memspan.bytes.allocated");
  /** Set only when several threads took part in one resize (ConcurrentHashMap transfer). */
  public static final AttributeKey<Long> RESIZE_ID = AttributeKey.longKey("memspan.resize.id");

  // ---- what it cost the kernel ----
  /** Faults taken in user mode while the op ran ({@code exceptions:page_fault_user}). */
  public static final AttributeKey<Long> PAGE_FAULTS = AttributeKey.longKey("memspan.page_faults");
  /** Faults the kernel took on the thread's behalf ({@code exceptions:page_fault_kernel}). */
  public static final AttributeKey<Long> PAGE_FAULTS_KERNEL =
      AttributeKey.longKey("memspan.page_faults.kernel");
  public static final AttributeKey<Long> MMAP_COUNT = AttributeKey.longKey("memspan.mmap.count");
  public static final AttributeKey<Long> MMAP_BYTES = AttributeKey.longKey("memspan.mmap.bytes");
  public static final AttributeKey<Long> MUNMAP_BYTES = AttributeKey.longKey("memspan.munmap.bytes");
  /** The kernel's thread id (what eBPF sees), next to the JVM's {@code thread.id}. */
  public static final AttributeKey<Long> TID = AttributeKey.longKey("memspan.tid");
  /** {@code bcc}, {@code rusage} or {@code none}: where the kernel numbers came from. */
  public static final AttributeKey<String> KERNEL_SOURCE =
      AttributeKey.stringKey("memspan.kernel.source");

  /**
   * Span events are named by {@code SyscallRecord.Syscall.eventName()} ({@code mmap},
   * {@code munmap}, {@code mremap}, {@code madvise}, {@code brk}); their attributes are the
   * syscall's argument names from the tracepoint format ({@code Syscall.argNames()}) plus this.
   */
  public static final AttributeKey<Long> EVENT_RET = AttributeKey.longKey("ret");

  // ---- right-sizing advice: one span per call site and structure type ----
  public static final String ADVICE_SPAN = "memspan.advice";
  public static final AttributeKey<Long> ADVICE_SAMPLES =
      AttributeKey.longKey("memspan.advice.samples");
  public static final AttributeKey<Double> ADVICE_MEAN =
      AttributeKey.doubleKey("memspan.advice.mean");
  public static final AttributeKey<Double> ADVICE_STDDEV =
      AttributeKey.doubleKey("memspan.advice.stddev");
  public static final AttributeKey<Long> ADVICE_MAX = AttributeKey.longKey("memspan.advice.max");
  public static final AttributeKey<Long> ADVICE_RECOMMENDED_CAPACITY =
      AttributeKey.longKey("memspan.advice.recommended_capacity");
  public static final AttributeKey<Long> ADVICE_RESIZES_OBSERVED =
      AttributeKey.longKey("memspan.advice.resizes_observed");
  public static final AttributeKey<Long> ADVICE_RESIZES_SAVED =
      AttributeKey.longKey("memspan.advice.resizes_saved");
  public static final AttributeKey<Long> ADVICE_BYTES_COPIED_SAVED =
      AttributeKey.longKey("memspan.advice.bytes_copied_saved");
  public static final AttributeKey<Long> ADVICE_FAULTS_SAVED =
      AttributeKey.longKey("memspan.advice.faults_saved");

  // ---- the exporter's own metrics ----
  public static final String METRIC_SPANS_QUEUED = "memspan.export.spans.queued";
  public static final String METRIC_SPANS_DROPPED = "memspan.export.spans.dropped";
  public static final String METRIC_SPANS_EXPORTED = "memspan.export.spans.exported";
  public static final String METRIC_SPANS_FAILED = "memspan.export.spans.failed";
  public static final String METRIC_QUEUE_SIZE = "memspan.export.queue.size";

  // ---- the advisor's metrics ----
  /** Ops the right-sizing advice leaves out, by {@code memspan.reason}. */
  public static final String METRIC_ADVICE_OPS_EXCLUDED = "memspan.advice.ops.excluded";
}
