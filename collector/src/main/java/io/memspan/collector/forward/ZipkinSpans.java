package io.memspan.collector.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP spans as Zipkin v2 JSON, following OpenTelemetry's Zipkin mapping: ids in lower-case hex,
 * times in microseconds, {@code service.name} as the local endpoint, attributes as string tags,
 * span events as annotations ({@code "mmap len=67108864 ret=0x7f..."}), an error status as the
 * {@code error} tag.
 */
final class ZipkinSpans {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  private ZipkinSpans() {}

  /** The converted batch and how many spans had to be left out (invalid ids Zipkin would refuse). */
  record Batch(byte[] json, int spans, int skippedInvalid) {}

  static Batch convert(ExportTraceServiceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    int spans = 0;
    int skipped = 0;
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (ResourceSpans rs : request.getResourceSpansList()) {
        String service = serviceName(rs.getResource());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            if (!validIds(span)) {
              skipped++;
              continue;
            }
            writeSpan(g, service, ss, span);
            spans++;
          }
        }
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    return new Batch(out.toByteArray(), spans, skipped);
  }

  private static boolean validIds(Span s) {
    return s.getTraceId().size() == 16 && s.getSpanId().size() == 8
        && !allZero(s.getTraceId()) && !allZero(s.getSpanId())
        && (s.getParentSpanId().isEmpty() || s.getParentSpanId().size() == 8);
  }

  private static boolean allZero(com.google.protobuf.ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void writeSpan(JsonGenerator g, String service, ScopeSpans scope, Span span) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", HEX.formatHex(span.getTraceId().toByteArray()));
    g.writeStringField("id", HEX.formatHex(span.getSpanId().toByteArray()));
    if (!span.getParentSpanId().isEmpty()) {
      g.writeStringField("parentId", HEX.formatHex(span.getParentSpanId().toByteArray()));
    }
    g.writeStringField("name", span.getName());
    String kind = kind(span.getKind());
    if (kind != null) {
      g.writeStringField("kind", kind);
    }
    long startMicros = span.getStartTimeUnixNano() / 1000;
    g.writeNumberField("timestamp", startMicros);
    // Zipkin reads a duration of 0 as "unknown"; an op shorter than 1 µs still took time.
    long durationNanos = Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
    g.writeNumberField("duration", Math.max(1, durationNanos / 1000));
    g.writeObjectFieldStart("localEndpoint");
    g.writeStringField("serviceName", service);
    g.writeEndObject();
    if (span.getEventsCount() > 0) {
      g.writeArrayFieldStart("annotations");
      for (Span.Event e : span.getEventsList()) {
        g.writeStartObject();
        g.writeNumberField("timestamp", e.getTimeUnixNano() / 1000);
        g.writeStringField("value", annotation(e));
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeObjectFieldStart("tags");
    for (KeyValue kv : span.getAttributesList()) {
      g.writeStringField(kv.getKey(), text(kv.getValue()));
    }
    if (!scope.getScope().getName().isEmpty()) {
      g.writeStringField("otel.scope.name", scope.getScope().getName());
    }
    if (!scope.getScope().getVersion().isEmpty()) {
      g.writeStringField("otel.scope.version", scope.getScope().getVersion());
    }
    Status status = span.getStatus();
    if (status.getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
      g.writeStringField("otel.status_code", "ERROR");
      g.writeStringField("error", status.getMessage());
    } else if (status.getCode() == Status.StatusCode.STATUS_CODE_OK) {
      g.writeStringField("otel.status_code", "OK");
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      default -> null; // Zipkin has no INTERNAL: a span without kind is a local one
    };
  }

  /** The event name followed by its attributes, {@code mmap len=67108864 ret=0x7f00...}. */
  static String annotation(Span.Event e) {
    StringBuilder b = new StringBuilder(e.getName());
    for (KeyValue kv : e.getAttributesList()) {
      b.append(' ').append(kv.getKey()).append('=').append(text(kv.getValue()));
    }
    return b.toString();
  }

  static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue()) {
        return kv.getValue().getStringValue();
      }
    }
    return "unknown_service";
  }

  /** An attribute value as a Zipkin tag string: arrays and maps as JSON, bytes as base64. */
  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> json(v);
      default -> ""; // not set, or a kind newer than this code
    };
  }

  private static String json(AnyValue v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeJson(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void writeJson(JsonGenerator g, AnyValue v) throws IOException {
    switch (v.getValueCase()) {
      case STRING_VALUE -> g.writeString(v.getStringValue());
      case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
      case INT_VALUE -> g.writeNumber(v.getIntValue());
      case DOUBLE_VALUE -> g.writeNumber(v.getDoubleValue());
      case BYTES_VALUE -> g.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        g.writeStartArray();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          writeJson(g, e);
        }
        g.writeEndArray();
      }
      case KVLIST_VALUE -> {
        g.writeStartObject();
        List<KeyValue> kvs = v.getKvlistValue().getValuesList();
        for (KeyValue kv : kvs) {
          g.writeFieldName(kv.getKey());
          writeJson(g, kv.getValue());
        }
        g.writeEndObject();
      }
      default -> g.writeNull();
    }
  }
}
