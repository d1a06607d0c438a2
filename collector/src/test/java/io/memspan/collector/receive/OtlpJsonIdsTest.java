package io.memspan.collector.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memspan.collector.spool.Signal;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonIdsTest {
  private static byte[] trace(String spanId) {
    return ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\","
        + "\"spanId\":\"" + spanId + "\",\"name\":\"x\"}]}]}]}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void asciiHexInEitherCaseIsAccepted() throws Exception {
    byte[] spooled = OtlpDecoder.fromJson(Signal.TRACES, trace("eee19b7ec3c1b17A")).protobuf();
    var span = ExportTraceServiceRequest.parseFrom(spooled).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals("eee19b7ec3c1b17a", java.util.HexFormat.of().formatHex(span.getSpanId().toByteArray()));
  }

  @Test
  void digitsOfOtherScriptsAreNotHex() {
    // U+0663 ARABIC-INDIC DIGIT THREE: Character.digit reads it as 3.
    Rejected r = assertThrows(Rejected.class, () -> OtlpDecoder.fromJson(Signal.TRACES, trace("eee19b7ec3c1b17\u0663")));
    assertEquals(RejectReason.MALFORMED, r.reason());
    assertEquals("spanId is not hex: \"eee19b7ec3c1b17\u0663\"", r.getMessage());
  }
}
