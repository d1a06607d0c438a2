package io.memspan.collector.forward;

import com.google.protobuf.ByteString;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Real OTLP export requests shaped like the agent's: growth spans with mmap events. */
final class OtlpFixtures {
  static final long START_NANOS = 1_763_700_000_123_456_789L;

  private OtlpFixtures() {}

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  static byte[] randomId(int bytes) {
    byte[] id = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(id);
    id[0] |= 1; // never all zero
    return id;
  }

  static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  /** A trace of a root span and {@code children} growth spans under it, one with an mmap event. */
  static ExportTraceServiceRequest trace(byte[] traceId, int children) {
    byte[] rootId = randomId(8);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("io.memspan.agent").setVersion("0.1.0"));
    scope.addSpans(Span.newBuilder()
        .setTraceId(ByteString.copyFrom(traceId))
        .setSpanId(ByteString.copyFrom(rootId))
        .setName("GET /orders")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(START_NANOS)
        .setEndTimeUnixNano(START_NANOS + 5_000_000)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("out of memory")));
    for (int i = 0; i < children; i++) {
      long start = START_NANOS + 1_000_000 + i * 10_000L;
      Span.Builder child = Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFrom(randomId(8)))
          .setParentSpanId(ByteString.copyFrom(rootId))
          .setName("HashMap.resize")
          .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(start + 2_500_000)
          .addAttributes(attr("memspan.structure.type", "java.util.HashMap"))
          .addAttributes(attr("memspan.capacity.before", 1L << 22))
          .addAttributes(attr("memspan.capacity.after", 1L << 23))
          .addAttributes(attr("memspan.bytes.copied", 67_108_864L))
          .addAttributes(attr("memspan.page_faults", 16_384L))
          .addAttributes(attr("code.function.name", "com.acme.Orders.index"))
          .addAttributes(KeyValue.newBuilder().setKey("memspan.sampled")
              .setValue(AnyValue.newBuilder().setBoolValue(true)));
      if (i == 0) {
        child.addEvents(Span.Event.newBuilder()
            .setName("mmap")
            .setTimeUnixNano(start + 1_000)
            .addAttributes(attr("len", 67_108_864L))
            .addAttributes(attr("ret", "0x7f3a2c000000")));
      }
      scope.addSpans(child);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder()
                .addAttributes(attr("service.name", "orders"))
                .addAttributes(attr("process.pid", 4242L)))
            .addScopeSpans(scope))
        .build();
  }

  static ExportMetricsServiceRequest metrics(int points) {
    Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
        .setAggregationTemporality(io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < points; i++) {
      sum.addDataPoints(NumberDataPoint.newBuilder()
          .setTimeUnixNano(START_NANOS).setAsInt(100 + i)
          .addAttributes(attr("memspan.structure.type", "type" + i)));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "orders")))
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("memspan.growth.count").setSum(sum))))
        .build();
  }

  static SpoolEntry entry(long position, ExportTraceServiceRequest r) {
    return new SpoolEntry(position, Signal.TRACES, System.currentTimeMillis(), r.toByteArray());
  }

  static SpoolEntry entry(long position, ExportMetricsServiceRequest r) {
    return new SpoolEntry(position, Signal.METRICS, System.currentTimeMillis(), r.toByteArray());
  }
}
