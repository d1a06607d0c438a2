package io.memspan.collector.store;

import com.google.protobuf.ByteString;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Builds real OTLP trace requests with the opentelemetry-proto builders, shaped like memspan's spans. */
public final class OtlpSpans {
  private static final AtomicLong POSITION = new AtomicLong();

  private OtlpSpans() {}

  public static String traceId(int n) {
    return String.format("%032x", 0xabc0000L + n);
  }

  public static String spanId(int n) {
    return String.format("%016x", 0x5000L + n);
  }

  public static KeyValue attr(String key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value instanceof String s) v.setStringValue(s);
    else if (value instanceof Integer i) v.setIntValue(i);
    else if (value instanceof Long l) v.setIntValue(l);
    else if (value instanceof Double d) v.setDoubleValue(d);
    else if (value instanceof Boolean b) v.setBoolValue(b);
    else throw new IllegalArgumentException(String.valueOf(value));
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  public static Span.Builder span(int trace, int span, String name, long startNanos, long durationNanos, Object... kvs) {
    Span.Builder b = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId(trace))))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId(span))))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(startNanos)
        .setEndTimeUnixNano(startNanos + durationNanos);
    for (int i = 0; i < kvs.length; i += 2) b.addAttributes(attr((String) kvs[i], kvs[i + 1]));
    return b;
  }

  /** A memspan growth span at a call site, on a thread. */
  public static Span.Builder op(int trace, int span, String type, String fn, int line, String thread, long tid,
      long start, long faults, long kernelFaults, long copied, long mmapBytes) {
    return span(trace, span, type + ".grow", start, 1_000,
        SpanAttributes.STRUCTURE_TYPE, type,
        SpanAttributes.CODE_FUNCTION, fn,
        SpanAttributes.CODE_FILE, "App.java",
        SpanAttributes.CODE_LINE, line,
        SpanAttributes.THREAD_NAME, thread,
        SpanAttributes.TID, tid,
        SpanAttributes.PAGE_FAULTS, faults,
        SpanAttributes.PAGE_FAULTS_KERNEL, kernelFaults,
        SpanAttributes.BYTES_COPIED, copied,
        SpanAttributes.MMAP_COUNT, mmapBytes > 0 ? 1L : 0L,
        SpanAttributes.MMAP_BYTES, mmapBytes);
  }

  public static ExportTraceServiceRequest request(String service, Span.Builder... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("memspan"));
    for (Span.Builder s : spans) scope.addSpans(s);
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr(SpanAttributes.SERVICE_NAME, service)))
            .addScopeSpans(scope))
        .build();
  }

  public static SpoolEntry entry(ExportTraceServiceRequest request) {
    return new SpoolEntry(POSITION.incrementAndGet(), Signal.TRACES, System.currentTimeMillis(), request.toByteArray());
  }
}
