package io.memspan.agent.config;

/**
 * Every configuration key the agent reads, with its default: the one definition the README's
 * table is checked against. Property form here; the environment form is upper-cased with
 * underscores ({@code memspan.threshold} is {@code MEMSPAN_THRESHOLD}).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** false turns the agent off entirely (it prints one line saying so). */
  public static final String ENABLED = "memspan.enabled";

  /**
   * background (default): probes are inlined on a background thread and premain returns at once;
   * premain: premain waits until they are in, so no early op is missed (costs start time).
   */
  public static final String INSTRUMENT = "memspan.instrument";
  public static final String INSTRUMENT_DEFAULT = "background";

  /** auto | bcc | rusage | off. */
  public static final String KERNEL = "memspan.kernel";
  public static final String KERNEL_DEFAULT = "auto";

  /** Bytes of the eBPF ring buffer for syscall records (a power of two, at least 4096). */
  public static final String KERNEL_RING_BYTES = "memspan.kernel.ring.bytes";
  public static final long KERNEL_RING_BYTES_DEFAULT = 4L << 20;

  /**
   * The eBPF program's compile cache: default (/var/cache/memspan/bpf as root, else under
   * ~/.cache), off (libbcc compiles at every start), or an absolute directory.
   */
  public static final String KERNEL_CACHE = "memspan.kernel.cache";
  public static final String KERNEL_CACHE_DEFAULT = "default";

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

  /** How often the right-sizing advice is exported (it is also exported at shutdown). */
  public static final String ADVICE_INTERVAL_SECONDS = "memspan.advice.interval.seconds";
  public static final long ADVICE_INTERVAL_SECONDS_DEFAULT = 60;

  // ---- export: memspan's own knobs ----

  /** Kept ops waiting to become spans; when full, {@code Telemetry.emit} drops and counts. */
  public static final String EXPORT_QUEUE = "memspan.export.queue";
  public static final int EXPORT_QUEUE_DEFAULT = 4096;

  /** How long (ms) {@code Telemetry.close} waits for the last spans and metrics to leave. */
  public static final String EXPORT_SHUTDOWN_TIMEOUT = "memspan.export.shutdown.timeout";
  public static final long EXPORT_SHUTDOWN_TIMEOUT_DEFAULT = 3000;

  /** Requests one exporter may have on the wire at once; more fail at once and are counted. */
  public static final String EXPORT_INFLIGHT = "memspan.export.inflight";
  public static final int EXPORT_INFLIGHT_DEFAULT = 4;

  /** Let the OpenTelemetry SDK's own log lines (one per failed export) through to stderr. */
  public static final String DEBUG = "memspan.debug";

  // ---- OpenTelemetry SDK environment variables (same names, same meaning) ----

  public static final String SERVICE_NAME = "otel.service.name";
  public static final String SERVICE_NAME_DEFAULT = "memspan-app";
  public static final String RESOURCE_ATTRIBUTES = "otel.resource.attributes";

  /** otlp | none, per signal. */
  public static final String TRACES_EXPORTER = "otel.traces.exporter";
  public static final String METRICS_EXPORTER = "otel.metrics.exporter";

  /**
   * Base endpoint: for http/protobuf the signal path ({@code v1/traces}, {@code v1/metrics}) is
   * appended; for grpc it is used as is.
   */
  public static final String ENDPOINT = "otel.exporter.otlp.endpoint";
  public static final String HTTP_ENDPOINT_DEFAULT = "http://localhost:4318";
  public static final String GRPC_ENDPOINT_DEFAULT = "http://localhost:4317";
  /** Per-signal endpoints, used exactly as given (no path appended). */
  public static final String TRACES_ENDPOINT = "otel.exporter.otlp.traces.endpoint";
  public static final String METRICS_ENDPOINT = "otel.exporter.otlp.metrics.endpoint";

  /** grpc | http/protobuf. */
  public static final String PROTOCOL = "otel.exporter.otlp.protocol";
  public static final String PROTOCOL_DEFAULT = "http/protobuf";
  public static final String TRACES_PROTOCOL = "otel.exporter.otlp.traces.protocol";
  public static final String METRICS_PROTOCOL = "otel.exporter.otlp.metrics.protocol";

  /** key=value,key=value with percent-encoded values; per-signal entries win over general ones. */
  public static final String HEADERS = "otel.exporter.otlp.headers";
  public static final String TRACES_HEADERS = "otel.exporter.otlp.traces.headers";
  public static final String METRICS_HEADERS = "otel.exporter.otlp.metrics.headers";

  /** gzip | none. */
  public static final String COMPRESSION = "otel.exporter.otlp.compression";
  public static final String COMPRESSION_DEFAULT = "none";
  public static final String TRACES_COMPRESSION = "otel.exporter.otlp.traces.compression";
  public static final String METRICS_COMPRESSION = "otel.exporter.otlp.metrics.compression";

  /** Milliseconds (or a number with ms, s, m) for one export, retries included. */
  public static final String TIMEOUT = "otel.exporter.otlp.timeout";
  public static final long TIMEOUT_DEFAULT_MILLIS = 10_000;
  public static final String TRACES_TIMEOUT = "otel.exporter.otlp.traces.timeout";
  public static final String METRICS_TIMEOUT = "otel.exporter.otlp.metrics.timeout";

  /** PEM files: trusted server certificates, and the client key and certificate for mTLS. */
  public static final String CERTIFICATE = "otel.exporter.otlp.certificate";
  public static final String CLIENT_KEY = "otel.exporter.otlp.client.key";
  public static final String CLIENT_CERTIFICATE = "otel.exporter.otlp.client.certificate";

  /** Milliseconds between metric exports. */
  public static final String METRIC_EXPORT_INTERVAL = "otel.metric.export.interval";
  public static final long METRIC_EXPORT_INTERVAL_DEFAULT = 60_000;

  /** BatchSpanProcessor settings, as in the OpenTelemetry SDK. */
  public static final String BSP_SCHEDULE_DELAY = "otel.bsp.schedule.delay";
  public static final long BSP_SCHEDULE_DELAY_DEFAULT = 5000;
  public static final String BSP_MAX_QUEUE_SIZE = "otel.bsp.max.queue.size";
  public static final int BSP_MAX_QUEUE_SIZE_DEFAULT = 2048;
  public static final String BSP_MAX_EXPORT_BATCH_SIZE = "otel.bsp.max.export.batch.size";
  public static final int BSP_MAX_EXPORT_BATCH_SIZE_DEFAULT = 512;
  public static final String BSP_EXPORT_TIMEOUT = "otel.bsp.export.timeout";
  public static final long BSP_EXPORT_TIMEOUT_DEFAULT = 30_000;

  /** Every key above (not the defaults): what agent arguments may name. */
  public static java.util.Set<String> known() {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    for (java.lang.reflect.Field f : ConfigKeys.class.getFields()) {
      if (f.getType() == String.class && !f.getName().endsWith("_DEFAULT")) {
        try {
          keys.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return keys;
  }
}
