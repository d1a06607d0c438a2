package io.memspan.collector.receive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.memspan.collector.otlp.GrpcStatus;
import io.memspan.collector.spool.Signal;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.nio.charset.StandardCharsets;

/**
 * Turns a request body into the protobuf export request that is spooled: protobuf bodies are
 * checked by parsing them (and spooled as sent), OTLP/JSON bodies are converted. Counts the items
 * (spans, metric data points) for the received metrics.
 */
public final class OtlpDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

  /** A checked request: its protobuf bytes and how many spans or data points it carries. */
  public record Decoded(Signal signal, byte[] protobuf, int items) {}

  private OtlpDecoder() {}

  public static Decoded fromProtobuf(Signal signal, byte[] body) throws Rejected {
    try {
      return switch (signal) {
        case TRACES -> new Decoded(signal, body, countSpans(ExportTraceServiceRequest.parseFrom(body)));
        case METRICS -> new Decoded(signal, body, countPoints(ExportMetricsServiceRequest.parseFrom(body)));
      };
    } catch (InvalidProtocolBufferException e) {
      throw new Rejected(RejectReason.MALFORMED,
          "malformed protobuf " + messageName(signal) + ": " + e.getMessage());
    }
  }

  public static Decoded fromJson(Signal signal, byte[] body) throws Rejected {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new Rejected(RejectReason.MALFORMED, "malformed JSON: " + firstLine(e));
    }
    if (tree == null || !tree.isObject()) {
      throw new Rejected(RejectReason.MALFORMED, "OTLP/JSON body must be a JSON object");
    }
    OtlpJsonIds.hexToBase64(tree);
    Message.Builder builder = switch (signal) {
      case TRACES -> ExportTraceServiceRequest.newBuilder();
      case METRICS -> ExportMetricsServiceRequest.newBuilder();
    };
    try {
      JSON_PARSER.merge(JSON.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new Rejected(RejectReason.MALFORMED,
          "malformed OTLP/JSON " + messageName(signal) + ": " + e.getMessage());
    } catch (RuntimeException e) { // JsonFormat throws unchecked errors on some odd inputs
      throw new Rejected(RejectReason.MALFORMED,
          "malformed OTLP/JSON " + messageName(signal) + ": " + e);
    }
    Message message = builder.build();
    int items = signal == Signal.TRACES
        ? countSpans((ExportTraceServiceRequest) message)
        : countPoints((ExportMetricsServiceRequest) message);
    return new Decoded(signal, message.toByteArray(), items);
  }

  static String messageName(Signal signal) {
    return signal == Signal.TRACES ? "ExportTraceServiceRequest" : "ExportMetricsServiceRequest";
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  static int countSpans(ExportTraceServiceRequest req) {
    int n = 0;
    for (ResourceSpans rs : req.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  static int countPoints(ExportMetricsServiceRequest req) {
    int n = 0;
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n += switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            default -> 0;
          };
        }
      }
    }
    return n;
  }

  /** The OTLP error body: a {@code google.rpc.Status} with a code and a message, in protobuf. */
  public static byte[] statusProtobuf(GrpcStatus code, String message) {
    // google.rpc.Status { int32 code = 1; string message = 2; }, written with protobuf's encoder so
    // the collector needs no dependency on the common-protos jar for two fields.
    try {
      byte[] msg = message.getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(msg.length + 16);
      com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code.code());
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The OTLP error body in OTLP/JSON: {@code {"code":3,"message":"..."}}. */
  public static byte[] statusJson(GrpcStatus code, String message) {
    var node = JSON.createObjectNode();
    node.put("code", code.code());
    node.put("message", message);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
