package io.memspan.collector.store;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns an OTLP {@code ExportTraceServiceRequest} into {@link StoredSpan}s, compactly: attribute
 * maps are immutable hash tables and recurring strings are shared through a {@link StringPool}.
 */
final class OtlpSpanDecoder {
  private static final HexFormat HEX = HexFormat.of();
  static final String UNKNOWN_SERVICE = "unknown_service";

  private final StringPool strings = new StringPool();

  void decode(ExportTraceServiceRequest request, Consumer<StoredSpan> sink) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, Object> resource = attributes(rs.getResource());
      Object svc = resource.get(SpanAttributes.SERVICE_NAME);
      String service = svc == null || String.valueOf(svc).isEmpty() ? UNKNOWN_SERVICE : strings.share(String.valueOf(svc));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        String scope = strings.share(ss.getScope().getName());
        for (Span s : ss.getSpansList()) {
          if (s.getTraceId().size() != 16 || s.getSpanId().size() != 8) {
            continue; // OTLP says such a span is invalid; the receiver should not have taken it
          }
          sink.accept(toStored(s, service, scope, resource));
        }
      }
    }
  }

  private StoredSpan toStored(Span s, String service, String scope, Map<String, Object> resource) {
    List<SpanEvent> events = new ArrayList<>(s.getEventsCount());
    for (Span.Event e : s.getEventsList()) {
      events.add(new SpanEvent(strings.share(e.getName()), e.getTimeUnixNano(), orderedAttributes(e.getAttributesList())));
    }
    return new StoredSpan(
        hex(s.getTraceId()),
        hex(s.getSpanId()),
        s.getParentSpanId().isEmpty() ? "" : hex(s.getParentSpanId()),
        service,
        strings.share(s.getName()),
        kind(s.getKind()),
        s.getStartTimeUnixNano(),
        s.getEndTimeUnixNano(),
        status(s.getStatus().getCode()),
        strings.share(s.getStatus().getMessage()),
        scope,
        attributes(s.getAttributesList()),
        List.copyOf(events),
        resource);
  }

  static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  private static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "INTERNAL";
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      default -> "UNSPECIFIED";
    };
  }

  private static String status(io.opentelemetry.proto.trace.v1.Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "OK";
      case STATUS_CODE_ERROR -> "ERROR";
      default -> "UNSET";
    };
  }

  private Map<String, Object> attributes(Resource r) {
    return attributes(r.getAttributesList());
  }

  Map<String, Object> attributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) return Map.of();
    // a later duplicate key wins, as in the OTel SDK; Map.copyOf then packs it into one array
    Map<String, Object> out = new HashMap<>(kvs.size() * 2);
    for (KeyValue kv : kvs) {
      Object v = value(kv.getValue());
      if (v != null) out.put(strings.share(kv.getKey()), v);
    }
    return Map.copyOf(out);
  }

  /** In the sender's order: a syscall event's arguments read best as the call was written. */
  Map<String, Object> orderedAttributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) return Map.of();
    Map<String, Object> out = new LinkedHashMap<>(kvs.size() * 2);
    for (KeyValue kv : kvs) {
      Object v = value(kv.getValue());
      if (v != null) out.put(strings.share(kv.getKey()), v);
    }
    return Collections.unmodifiableMap(out);
  }

  private Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> strings.share(v.getStringValue());
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BOOL_VALUE -> v.getBoolValue();
      case ARRAY_VALUE -> {
        List<Object> items = new ArrayList<>(v.getArrayValue().getValuesCount());
        for (AnyValue item : v.getArrayValue().getValuesList()) {
          Object o = value(item);
          if (o != null) items.add(o);
        }
        yield List.copyOf(items);
      }
      case BYTES_VALUE -> HEX.formatHex(v.getBytesValue().toByteArray());
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      default -> null;
    };
  }
}
