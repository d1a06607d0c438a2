package io.memspan.agent.export;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigException;
import io.memspan.agent.config.ConfigKeys;
import io.memspan.agent.config.OtlpSettings;
import io.memspan.agent.config.OtlpSettings.Protocol;
import io.memspan.agent.config.OtlpSettings.Signal;
import io.memspan.agent.export.netty.SenderLimits;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the agent's {@link Telemetry} from its configuration: the OpenTelemetry SDK
 * ({@code SdkTracerProvider} + {@code BatchSpanProcessor}, {@code SdkMeterProvider} +
 * {@code PeriodicMetricReader}) with the OTLP exporters, whose HTTP and gRPC transport is
 * memspan's Netty sender (found by the SDK through its sender SPI).
 *
 * <p>Call once from premain/agentmain, off the application's hot paths:
 *
 * <pre>{@code
 * Telemetry telemetry = Exporters.start(config);   // ConfigException on bad settings
 * telemetry.register(metricSource);                 // counters -> OTLP metrics
 * telemetry.emit(op);                               // per kept op; never blocks, false = dropped
 * // shutdown hook: telemetry.emitAdvice(advice); telemetry.close();  (prints one summary line)
 * }</pre>
 *
 * <p>Threads: one daemon {@code memspan-export} thread builds spans; the SDK's batch and metric
 * threads; one daemon Netty event loop {@code memspan-otlp-*} does all network I/O. No
 * application thread ever waits on the network.
 */
public final class Exporters {
  private Exporters() {}

  /**
   * Keep a strong reference: java.util.logging forgets configured loggers otherwise. In a holder,
   * so that a JVM exporting nothing never starts java.util.logging (its LogManager costs tens of
   * ms of CPU at start).
   */
  private static final class SdkLogger {
    static final Logger LOGGER = Logger.getLogger(sdkLoggerName());
  }

  /**
   * Starts export as configured ({@code OTEL_*}/{@code otel.*}, {@code memspan.export.*}).
   * Nothing is sent until there is something to send; an absent collector is not an error here.
   *
   * @throws ConfigException when a setting is unusable; the message names the key and problem
   */
  public static Telemetry start(AgentConfig config) {
    return start(config, System.err);
  }

  /** As {@link #start(AgentConfig)}, printing the exit summary line to {@code exitOut}. */
  public static Telemetry start(AgentConfig config, PrintStream exitOut) {
    Optional<OtlpSettings> traces = OtlpSettings.resolve(config, Signal.TRACES);
    Optional<OtlpSettings> metrics = OtlpSettings.resolve(config, Signal.METRICS);
    int queueSize = (int) config.longValue(ConfigKeys.EXPORT_QUEUE,
        ConfigKeys.EXPORT_QUEUE_DEFAULT, 1, 1 << 20);
    long shutdownMillis = config.millis(ConfigKeys.EXPORT_SHUTDOWN_TIMEOUT,
        ConfigKeys.EXPORT_SHUTDOWN_TIMEOUT_DEFAULT);
    int bspQueue = (int) config.longValue(ConfigKeys.BSP_MAX_QUEUE_SIZE,
        ConfigKeys.BSP_MAX_QUEUE_SIZE_DEFAULT, 1, 1 << 20);
    int bspBatch = (int) config.longValue(ConfigKeys.BSP_MAX_EXPORT_BATCH_SIZE,
        ConfigKeys.BSP_MAX_EXPORT_BATCH_SIZE_DEFAULT, 1, 1 << 20);
    if (bspBatch > bspQueue) {
      throw new ConfigException(ConfigKeys.BSP_MAX_EXPORT_BATCH_SIZE + "=" + bspBatch
          + " exceeds " + ConfigKeys.BSP_MAX_QUEUE_SIZE + "=" + bspQueue);
    }
    long scheduleDelay = config.millis(ConfigKeys.BSP_SCHEDULE_DELAY,
        ConfigKeys.BSP_SCHEDULE_DELAY_DEFAULT);
    long bspTimeout = config.millis(ConfigKeys.BSP_EXPORT_TIMEOUT,
        ConfigKeys.BSP_EXPORT_TIMEOUT_DEFAULT);
    long metricInterval = config.millis(ConfigKeys.METRIC_EXPORT_INTERVAL,
        ConfigKeys.METRIC_EXPORT_INTERVAL_DEFAULT);
    if (metricInterval == 0) {
      throw new ConfigException(ConfigKeys.METRIC_EXPORT_INTERVAL + "=0 must be positive");
    }
    SenderLimits.maxInFlight((int) config.longValue(ConfigKeys.EXPORT_INFLIGHT,
        ConfigKeys.EXPORT_INFLIGHT_DEFAULT, 1, 1024));
    // Detecting the resource loads the SDK's resource classes and the process handle: only
    // for a signal that is exported.
    Resource resource = traces.isPresent() || metrics.isPresent() ? AgentResource.build(config)
        : null;

    // Failures are counted and summarised by memspan; the SDK's own log lines would land in
    // the application's stderr, once per failed batch.
    if (resource != null && !config.bool(ConfigKeys.DEBUG, false)) {
      SdkLogger.LOGGER.setLevel(Level.OFF);
    }

    ExitAwareRetry retry = new ExitAwareRetry();
    OpQueue queue = new OpQueue(queueSize);
    ExportLedger ledger = new ExportLedger(queue,
        traces.map(t -> ConnectFailure.authority(t.endpoint())).orElse("none"));

    SdkMeterProvider meterProvider = null;
    MetricsBridge bridge = null;
    if (metrics.isPresent()) {
      meterProvider = SdkMeterProvider.builder()
          .setResource(resource)
          .registerMetricReader(PeriodicMetricReader.builder(metricExporter(metrics.get(), retry))
              .setInterval(Duration.ofMillis(metricInterval))
              .build())
          .build();
      bridge = new MetricsBridge(meterProvider.get(SpanSchema.SCOPE));
    }

    SdkTracerProvider tracerProvider = null;
    if (traces.isPresent()) {
      SpanExporter exporter = new CountingSpanExporter(spanExporter(traces.get(), retry), ledger,
          connectTimeout(traces.get()).toMillis());
      tracerProvider = SdkTracerProvider.builder()
          .setResource(resource)
          .setSampler(Sampler.alwaysOn())
          .addSpanProcessor(BatchSpanProcessor.builder(exporter)
              .setMaxQueueSize(bspQueue)
              .setMaxExportBatchSize(bspBatch)
              .setScheduleDelay(Duration.ofMillis(scheduleDelay))
              .setExporterTimeout(Duration.ofMillis(Math.max(bspTimeout, 1)))
              .setMeterProvider(MeterProvider::noop)
              .build())
          .build();
    }

    OtelTelemetry telemetry = new OtelTelemetry(queue, ledger, tracerProvider, meterProvider,
        bridge, retry, bspQueue, shutdownMillis,
        traces.map(t -> t.endpoint() + " (" + t.protocol().value() + ")").orElse("none"),
        exitOut);
    if (bridge != null && tracerProvider != null) {
      bridge.register(ledger);
    }
    return telemetry;
  }

  static SpanExporter spanExporter(OtlpSettings s, ExitAwareRetry retry) {
    try {
      if (s.protocol() == Protocol.GRPC) {
        OtlpGrpcSpanExporterBuilder b = OtlpGrpcSpanExporter.builder();
        configure(s, b::setEndpoint, b::setTimeout, b::setConnectTimeout, b::setCompression, b::setMeterProvider,
            b::addHeader, b::setTrustedCertificates, b::setClientTls, b::setRetryPolicy, retry);
        return b.build();
      }
      OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder();
      configure(s, b::setEndpoint, b::setTimeout, b::setConnectTimeout, b::setCompression, b::setMeterProvider,
          b::addHeader, b::setTrustedCertificates, b::setClientTls, b::setRetryPolicy, retry);
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw tlsError(e);
    }
  }

  static MetricExporter metricExporter(OtlpSettings s, ExitAwareRetry retry) {
    try {
      if (s.protocol() == Protocol.GRPC) {
        OtlpGrpcMetricExporterBuilder b = OtlpGrpcMetricExporter.builder();
        configure(s, b::setEndpoint, b::setTimeout, b::setConnectTimeout, b::setCompression, b::setMeterProvider,
            b::addHeader, b::setTrustedCertificates, b::setClientTls, b::setRetryPolicy, retry);
        return b.build();
      }
      OtlpHttpMetricExporterBuilder b = OtlpHttpMetricExporter.builder();
      configure(s, b::setEndpoint, b::setTimeout, b::setConnectTimeout, b::setCompression, b::setMeterProvider,
          b::addHeader, b::setTrustedCertificates, b::setClientTls, b::setRetryPolicy, retry);
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw tlsError(e);
    }
  }

  /**
   * Applies one signal's settings through an exporter builder's setters, passed as method
   * references: the SDK's four OTLP builders (span/metric, HTTP/gRPC) take the same settings but
   * share no interface.
   */
  private static void configure(OtlpSettings s, Consumer<String> endpoint, Consumer<Duration> timeout,
      Consumer<Duration> connectTimeout, Consumer<String> compression,
      Consumer<Supplier<MeterProvider>> meterProvider, BiConsumer<String, String> header,
      Consumer<byte[]> trustedCertificates, BiConsumer<byte[], byte[]> clientTls,
      Consumer<RetryPolicy> retryPolicy, ExitAwareRetry retry) {
    endpoint.accept(s.endpoint().toString());
    timeout.accept(s.timeout());
    connectTimeout.accept(connectTimeout(s));
    compression.accept(s.gzip() ? "gzip" : "none");
    meterProvider.accept(MeterProvider::noop); // the exporter's own self-metrics are not wanted
    retryPolicy.accept(retry.policy());
    s.headers().forEach(header);
    if (s.certificate() != null) {
      trustedCertificates.accept(read(s.certificate()));
    }
    if (s.clientKey() != null && s.clientCertificate() != null) {
      clientTls.accept(read(s.clientKey()), read(s.clientCertificate()));
    }
  }

  /** The SDK rejects unusable PEM files (IllegalArgument/IllegalState) when it builds TLS. */
  private static ConfigException tlsError(RuntimeException e) {
    return new ConfigException(ConfigKeys.CERTIFICATE + " / " + ConfigKeys.CLIENT_KEY + " / "
        + ConfigKeys.CLIENT_CERTIFICATE + ": " + e.getMessage());
  }

  /** Connecting may take at most the whole export timeout, and never more than 10 s. */
  private static Duration connectTimeout(OtlpSettings s) {
    Duration ten = Duration.ofSeconds(10);
    return s.timeout().compareTo(ten) < 0 ? s.timeout() : ten;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** The SDK's root logger name, as relocated in the agent jar (so only our copy is silenced). */
  private static String sdkLoggerName() {
    String n = SdkTracerProvider.class.getName();
    return n.substring(0, n.indexOf(".sdk."));
  }
}
