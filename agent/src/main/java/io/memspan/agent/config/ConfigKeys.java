package io.memspan.agent.config;

/**
 * Every configuration key the agent reads, with its default: the one definition the README's
 * table is checked against. Property form here; the environment form is upper-cased with
 * underscores ({@code memspan.threshold} is {@code MEMSPAN_THRESHOLD}).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** auto | bcc | rusage | off. */
  public static final String KERNEL = "memspan.kernel";
  public static final String KERNEL_DEFAULT = "auto";

  /** Ops whose new capacity (elements, or bytes for buffers) is below this are not armed. */
  public static final String THRESHOLD = "memspan.threshold";
  public static final long THRESHOLD_DEFAULT = 4096;

  /** Fraction of uneventful ops (no faults, no mmap, fast) kept as spans. */
  public static final String SAMPLE_RATE = "memspan.sample.rate";
  public static final double SAMPLE_RATE_DEFAULT = 0.01;

  /** Ops longer than this (microseconds) are always kept. */
  public static final String SLOW_MICROS = "memspan.slow.micros";
  public static final long SLOW_MICROS_DEFAULT = 1000;

  /** At most this many spans per second leave the agent; the rest are counted as dropped. */
  public static final String SPANS_PER_SECOND = "memspan.spans.per.second";
  public static final long SPANS_PER_SECOND_DEFAULT = 2000;

  /** Print the call-site advice table at JVM exit. */
  public static final String SUMMARY = "memspan.summary";

  /** Extra probes: com.acme.Buf#grow(int);... */
  public static final String PROBES = "memspan.probes";

  public static final String SERVICE_NAME = "otel.service.name";
  public static final String ENDPOINT = "otel.exporter.otlp.endpoint";
  public static final String PROTOCOL = "otel.exporter.otlp.protocol";
  public static final String HEADERS = "otel.exporter.otlp.headers";
  public static final String COMPRESSION = "otel.exporter.otlp.compression";
  public static final String TIMEOUT = "otel.exporter.otlp.timeout";
  public static final String RESOURCE_ATTRIBUTES = "otel.resource.attributes";
}
