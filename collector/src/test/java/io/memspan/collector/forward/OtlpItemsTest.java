package io.memspan.collector.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OtlpItemsTest {
  @Test
  void countsSpansAcrossResourcesAndScopesWithoutDecodingThem() throws Exception {
    ExportTraceServiceRequest a = OtlpFixtures.trace(OtlpFixtures.randomId(16), 7);
    ExportTraceServiceRequest b = OtlpFixtures.trace(OtlpFixtures.randomId(16), 300);
    ResourceSpans twoScopes = b.getResourceSpans(0).toBuilder()
        .addScopeSpans(a.getResourceSpans(0).getScopeSpans(0)).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(a.getResourceSpans(0)).addResourceSpans(twoScopes)
        .addResourceSpans(ResourceSpans.getDefaultInstance()).build();
    assertEquals(8 + 301 + 8, OtlpItems.countSpans(request.toByteArray()));
    assertEquals(0, OtlpItems.countSpans(new byte[0]));
    assertEquals(5, OtlpItems.of(new SpoolEntry(0, Signal.METRICS, 0, OtlpFixtures.metrics(5).toByteArray()))
        .dataPoints());
  }

  @Test
  void aTruncatedRequestIsAnError() {
    byte[] whole = OtlpFixtures.trace(OtlpFixtures.randomId(16), 3).toByteArray();
    byte[] cut = Arrays.copyOf(whole, whole.length - 10);
    assertThrows(IOException.class, () -> OtlpItems.countSpans(cut));
  }
}
