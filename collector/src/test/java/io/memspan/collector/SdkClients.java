package io.memspan.collector;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real spans and metrics from the official OpenTelemetry SDK, for the official exporters to send. */
public final class SdkClients {
  private SdkClients() {}

  /** Makes {@code count} ended spans with the SDK (ids, timestamps, attributes as the SDK sets them). */
  public static List<SpanData> spans(String service, String namePrefix, int count) {
    List<SpanData> out = new ArrayList<>(count);
    SpanProcessor collect = new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        out.add(span.toSpanData());
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    };
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), service))))
        .addSpanProcessor(collect).build()) {
      Tracer tracer = provider.get("memspan-test");
      for (int i = 0; i < count; i++) {
        Span s = tracer.spanBuilder(namePrefix + i)
            .setAttribute("memspan.structure.type", "java.util.HashMap")
            .setAttribute("memspan.capacity.before", 16L + i)
            .setAttribute("memspan.capacity.after", 32L + i)
            .setAttribute("code.function.name", "com.acme.Orders.load")
            .startSpan();
        s.end();
      }
    }
    return out;
  }

  /** True when the export was acknowledged with success within the timeout. */
  public static boolean acked(CompletableResultCode result, long seconds) {
    return result.join(seconds, TimeUnit.SECONDS).isSuccess();
  }

  /** Records a counter and a histogram and pushes them through {@code exporter}; returns success. */
  public static boolean exportMetrics(MetricExporter exporter) {
    try (SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build()) {
      var meter = provider.get("memspan-test");
      meter.counterBuilder("memspan.growth.count").build().add(7, Attributes.of(AttributeKey.stringKey("type"), "ArrayList"));
      meter.histogramBuilder("memspan.bytes.copied").build().record(4096);
      return provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
    }
  }
}
