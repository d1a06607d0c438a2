package io.memspan.collector.store;

/**
 * The attribute and span names of memspan's span schema (DESIGN.md "Span schema"), as the
 * collector reads them. Defined here once: the collector speaks OTLP and depends on nothing of
 * the agent's, so these are the strings on the wire.
 */
public final class SpanAttributes {
  private SpanAttributes() {}

  public static final String SERVICE_NAME = "service.name";

  public static final String CODE_FUNCTION = "code.function.name";
  public static final String CODE_FILE = "code.file.path";
  public static final String CODE_LINE = "code.line.number";
  public static final String THREAD_ID = "thread.id";
  public static final String THREAD_NAME = "thread.name";

  public static final String STRUCTURE_TYPE = "memspan.structure.type";
  public static final String STRUCTURE_ID = "memspan.structure.id";
  public static final String CAPACITY_BEFORE = "memspan.capacity.before";
  public static final String CAPACITY_AFTER = "memspan.capacity.after";
  public static final String SIZE = "memspan.size";
  public static final String BYTES_COPIED = "memspan.bytes.copied";
  public static final String BYTES_ALLOCATED = "memspan.bytes.allocated";
  public static final String PAGE_FAULTS = "memspan.page_faults";
  public static final String PAGE_FAULTS_KERNEL = "memspan.page_faults.kernel";
  public static final String MMAP_COUNT = "memspan.mmap.count";
  public static final String MMAP_BYTES = "memspan.mmap.bytes";
  public static final String MUNMAP_BYTES = "memspan.munmap.bytes";
  public static final String TID = "memspan.tid";
  public static final String KERNEL_SOURCE = "memspan.kernel.source";
  public static final String RESIZE_ID = "memspan.resize.id";

  /** Name of the spans that carry the agent's right-sizing advice for one call site. */
  public static final String ADVICE_SPAN = "memspan.advice";

  public static final String ADVICE_SAMPLES = "memspan.advice.samples";
  public static final String ADVICE_MEAN = "memspan.advice.mean";
  public static final String ADVICE_STDDEV = "memspan.advice.stddev";
  public static final String ADVICE_MAX = "memspan.advice.max";
  public static final String ADVICE_RECOMMENDED = "memspan.advice.recommended_capacity";
  public static final String ADVICE_RESIZES_OBSERVED = "memspan.advice.resizes_observed";
  public static final String ADVICE_RESIZES_SAVED = "memspan.advice.resizes_saved";
  public static final String ADVICE_BYTES_COPIED_SAVED = "memspan.advice.bytes_copied_saved";
  public static final String ADVICE_FAULTS_SAVED = "memspan.advice.faults_saved";
}
