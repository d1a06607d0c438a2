package io.memspan.collector.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ZipkinSpansTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] TRACE = HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");

  @Test
  void mapsAGrowthSpanToZipkinV2() throws Exception {
    ExportTraceServiceRequest request = OtlpFixtures.trace(TRACE, 1);
    ZipkinSpans.Batch batch = ZipkinSpans.convert(request);
    assertEquals(2, batch.spans());
    JsonNode spans = JSON.readTree(batch.json());
    Span rootIn = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    Span childIn = request.getResourceSpans(0).getScopeSpans(0).getSpans(1);

    JsonNode root = spans.get(0);
    assertEquals("0af7651916cd43dd8448eb211c80319c", root.get("traceId").asText());
    assertEquals(HexFormat.of().formatHex(rootIn.getSpanId().toByteArray()), root.get("id").asText());
    assertFalse(root.has("parentId"));
    assertEquals("SERVER", root.get("kind").asText());
    assertEquals("GET /orders", root.get("name").asText());
    assertEquals(OtlpFixtures.START_NANOS / 1000, root.get("timestamp").asLong());
    assertEquals(5000, root.get("duration").asLong());
    assertEquals("orders", root.get("localEndpoint").get("serviceName").asText());
    assertEquals("out of memory", root.get("tags").get("error").asText());
    assertEquals("ERROR", root.get("tags").get("otel.status_code").asText());

    JsonNode child = spans.get(1);
    assertEquals(HexFormat.of().formatHex(childIn.getParentSpanId().toByteArray()), child.get("parentId").asText());
    assertFalse(child.has("kind"), "INTERNAL has no Zipkin kind");
    assertEquals(2500, child.get("duration").asLong());
    JsonNode tags = child.get("tags");
    assertEquals("67108864", tags.get("memspan.bytes.copied").asText());
    assertEquals("java.util.HashMap", tags.get("memspan.structure.type").asText());
    assertEquals("true", tags.get("memspan.sampled").asText());
    assertEquals("io.memspan.agent", tags.get("otel.scope.name").asText());
    assertFalse(tags.has("error"));
    JsonNode mmap = child.get("annotations").get(0);
    assertEquals("mmap len=67108864 ret=0x7f3a2c000000", mmap.get("value").asText());
    assertEquals((OtlpFixtures.START_NANOS + 1_000_000 + 1_000) / 1000, mmap.get("timestamp").asLong());
  }

  @Test
  void stringifiesEveryAttributeKindAndSkipsSpansZipkinWouldRefuse() throws Exception {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setStringValue("two"))).build();
    AnyValue map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setBoolValue(false)))).build();
    Span good = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(TRACE)).setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 7}))
        .setName("x").setStartTimeUnixNano(1_000_000).setEndTimeUnixNano(1_000_100)
        .addAttributes(KeyValue.newBuilder().setKey("a").setValue(array))
        .addAttributes(KeyValue.newBuilder().setKey("m").setValue(map))
        .addAttributes(KeyValue.newBuilder().setKey("d").setValue(AnyValue.newBuilder().setDoubleValue(0.5)))
        .addAttributes(KeyValue.newBuilder().setKey("b").setValue(
            AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2}))))
        .build();
    Span zeroSpanId = good.toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build();
    Span shortTraceId = good.toBuilder().setTraceId(ByteString.copyFrom(new byte[8])).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(good).addSpans(zeroSpanId).addSpans(shortTraceId)))
        .build();
    ZipkinSpans.Batch batch = ZipkinSpans.convert(request);
    assertEquals(1, batch.spans());
    assertEquals(2, batch.skippedInvalid());
    JsonNode span = JSON.readTree(batch.json()).get(0);
    assertEquals("0000000000000007", span.get("id").asText());
    assertEquals(1, span.get("duration").asLong(), "a sub-microsecond span still has a duration");
    assertEquals("unknown_service", span.get("localEndpoint").get("serviceName").asText());
    JsonNode tags = span.get("tags");
    assertEquals("[1,\"two\"]", tags.get("a").asText());
    assertEquals("{\"k\":false}", tags.get("m").asText());
    assertEquals("0.5", tags.get("d").asText());
    assertEquals("AQI=", tags.get("b").asText());
  }
}
