package io.memspan.collector.receive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON differs from the protobuf JSON mapping in one way that matters here: trace and span
 * ids are hex strings, not base64. This rewrites every id field of a parsed OTLP/JSON document into
 * base64 so protobuf's {@code JsonFormat} reads it. Field names are matched wherever they occur:
 * in OTLP messages these names are only ever id fields (attribute keys are values, never field
 * names), so spans, links, exemplars and any future message with these fields are all covered.
 */
final class OtlpJsonIds {
  private static final Map<String, Integer> ID_BYTES = Map.of(
      "traceId", 16, "trace_id", 16,
      "spanId", 8, "span_id", 8,
      "parentSpanId", 8, "parent_span_id", 8);
  private static final Set<String> NAMES = ID_BYTES.keySet();

  private OtlpJsonIds() {}

  static void hexToBase64(JsonNode node) throws Rejected {
    if (node instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = obj.get(name);
        if (NAMES.contains(name) && child != null && !child.isContainerNode()) {
          obj.set(name, new TextNode(convert(name, child)));
        } else {
          hexToBase64(child);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (JsonNode child : arr) {
        hexToBase64(child);
      }
    }
  }

  private static String convert(String name, JsonNode value) throws Rejected {
    if (value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new Rejected(RejectReason.MALFORMED, name + " must be a hex string, got " + value.getNodeType());
    }
    String hex = value.asText();
    if (hex.isEmpty()) {
      return "";
    }
    int bytes = ID_BYTES.get(name);
    if (hex.length() != bytes * 2) {
      throw new Rejected(RejectReason.MALFORMED,
          name + " must be " + bytes * 2 + " hex digits, got \"" + abbreviate(hex) + "\"");
    }
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      // HexFormat takes only ASCII [0-9a-fA-F]; Character.digit would also take other scripts' digits.
      char hi = hex.charAt(2 * i);
      char lo = hex.charAt(2 * i + 1);
      if (!HexFormat.isHexDigit(hi) || !HexFormat.isHexDigit(lo)) {
        throw new Rejected(RejectReason.MALFORMED, name + " is not hex: \"" + abbreviate(hex) + "\"");
      }
      out[i] = (byte) (HexFormat.fromHexDigit(hi) << 4 | HexFormat.fromHexDigit(lo));
    }
    return Base64.getEncoder().encodeToString(out);
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
