package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.entry;
import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.memspan.collector.Collector;
import io.memspan.collector.CollectorConfig;
import io.memspan.collector.SdkClients;
import io.memspan.collector.ops.Metrics;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --upstream-header KEY=VALUE}: what a hosted Tempo or Grafana Cloud needs, as a real upstream sees it. */
class UpstreamHeadersTest {
  static final String BASIC = "Basic dXNlcjpwYXNzd29yZA==";
  static final List<String> FLAGS = List.of("Authorization=" + BASIC, " X-Scope-OrgID = tenant-1 ");

  @Test
  void parsesKeyEqualsValueKeepingEqualsSignsInTheValue() {
    assertEquals(List.of(new UpstreamHeaders.Header("Authorization", BASIC),
        new UpstreamHeaders.Header("X-Scope-OrgID", "tenant-1")), UpstreamHeaders.parse(FLAGS).headers());
    assertEquals(UpstreamHeaders.NONE, UpstreamHeaders.parse(List.of()));
  }

  @Test
  void badValuesAreRefusedNamingTheProblemButNotTheSecret() {
    assertBad("--upstream-header 'Authorization' must be KEY=VALUE", "Authorization");
    assertBad("--upstream-header 'X Org=...': 'X Org' is not a header name", "X Org=secret-1");
    assertBad("--upstream-header '=...': '' is not a header name", "=secret-1");
    assertBad("Content-Type is set by the forwarder itself", "Content-Type=text/plain");
    assertBad("grpc-timeout is set by the forwarder itself", "grpc-timeout=1S");
    assertBad("the value must be printable ASCII", "X-Token=secret-1\r\nX-Evil: 1");
    assertBad("the value must be printable ASCII", "X-Token=secret-1 \u00e9");
  }

  private static void assertBad(String expected, String value) {
    String message = assertThrows(IllegalArgumentException.class, () -> UpstreamHeaders.parse(List.of(value)))
        .getMessage();
    assertTrue(message.contains(expected), message);
    assertFalse(message.contains("secret-1"), "a header value is a secret: " + message);
  }

  @Test
  void aGrpcJavaUpstreamSeesThemAsCallMetadata() throws Exception {
    try (GrpcReceiver upstream = new GrpcReceiver().start();
        Forwarder forwarder = Forwarders.create(List.of(upstream.url()), "grpc", null, new Metrics(),
            OtlpHttpForwarderTest.FAST.withUpstreamHeaders(UpstreamHeaders.parse(FLAGS))).get(0)) {
      forwarder.deliver(entry(0, trace(randomId(16), 2)));
      assertEquals(1, upstream.traces.size());
      Metadata m = upstream.metadata.get(0);
      assertEquals(BASIC, m.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
      assertEquals("tenant-1", m.get(Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER)));
    }
  }

  /** From the collector's configuration to the wire: spans an SDK sent reach the upstream with the headers. */
  @Test
  void aCollectorForwardsToAnHttpUpstreamWithThem(@TempDir Path dir) throws Exception {
    try (HttpReceiver upstream = new HttpReceiver().start()) {
      CollectorConfig c = CollectorConfig.ephemeral(dir.resolve("spool"));
      Collector collector = Collector.start(new CollectorConfig(c.http(), c.grpc(), null, c.spoolDir(),
          c.spoolMaxBytes(), c.maxBodyBytes(), c.requestTimeoutMillis(), List.of(upstream.url()), "http/protobuf",
          FLAGS, null, null, null, c.storeCapacity()));
      try (OtlpHttpSpanExporter sdk = OtlpHttpSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + collector.httpAddress().getPort() + "/v1/traces").build()) {
        assertTrue(SdkClients.acked(sdk.export(SdkClients.spans("shop", "op", 3)), 20));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (upstream.received.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        collector.close();
      }
      assertFalse(upstream.received.isEmpty(), "the upstream got the spans");
      HttpReceiver.Received r = upstream.received.get(0);
      assertEquals("/v1/traces", r.path());
      assertEquals(BASIC, r.headers().get("Authorization"));
      assertEquals("tenant-1", r.headers().get("X-Scope-OrgID"));
    }
  }
}
