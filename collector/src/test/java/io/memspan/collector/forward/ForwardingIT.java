package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.entry;
import static io.memspan.collector.forward.OtlpFixtures.hex;
import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memspan.collector.SdkClients;
import io.memspan.collector.ops.Metrics;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding against real peers: spans sent to a real Zipkin server come back from its query API
 * with tags and annotations; and end to end, `memspan collector` takes spans from the official OTel
 * SDK exporter and forwards them to a grpc-java OTLP receiver (that was down at first) and to Zipkin.
 */
class ForwardingIT {
  @TempDir static Path dir;
  static ZipkinServer zipkin;

  @BeforeAll
  static void startZipkin() throws Exception {
    zipkin = new ZipkinServer(dir);
  }

  @AfterAll
  static void stopZipkin() throws Exception {
    if (zipkin != null) {
      zipkin.close();
    }
  }

  @Test
  void forwardedSpansAreQueryableInZipkinWithTagsAndAnnotations() throws Exception {
    Metrics metrics = new Metrics();
    byte[] traceId = randomId(16);
    try (Forwarder forwarder = Forwarders.create(List.of(), null, zipkin.url(), metrics).get(0)) {
      assertEquals("zipkin:" + zipkin.url(), forwarder.name());
      forwarder.deliver(entry(0, trace(traceId, 3)));
      forwarder.deliver(entry(1, OtlpFixtures.metrics(4)));
      forwarder.deliver(entry(2, trace(randomId(16), 1)));

      ForwarderStats s = forwarder.stats();
      assertEquals(2, s.forwardedRequests());
      assertEquals(4 + 2, s.forwardedSpans());
      assertEquals(1, s.notApplicable(), "metrics have no Zipkin form: skipped, not failed");
      assertEquals(Map.of(), s.droppedItemsByReason());
      assertEquals(0, s.retried());
    }

    JsonNode spans = zipkin.trace(hex(traceId), 4);
    assertEquals(4, spans.size());
    Map<String, JsonNode> byName = new HashMap<>();
    int resizes = 0;
    JsonNode withMmap = null;
    for (JsonNode span : spans) {
      assertEquals(hex(traceId), span.get("traceId").asText());
      assertEquals("orders", span.get("localEndpoint").get("serviceName").asText());
      byName.put(span.get("name").asText(), span);
      if (span.get("name").asText().equals("hashmap.resize") || span.get("name").asText().equals("HashMap.resize")) {
        resizes++;
        JsonNode tags = span.get("tags");
        assertEquals("67108864", tags.get("memspan.bytes.copied").asText());
        assertEquals("java.util.HashMap", tags.get("memspan.structure.type").asText());
        assertEquals("8388608", tags.get("memspan.capacity.after").asText());
        assertEquals("16384", tags.get("memspan.page_faults").asText());
        assertEquals("com.acme.Orders.index", tags.get("code.function.name").asText());
        assertEquals(2500, span.get("duration").asLong());
        if (span.has("annotations")) {
          withMmap = span;
        }
      }
    }
    assertEquals(3, resizes, "all three growth spans: " + spans);
    JsonNode root = byName.getOrDefault("get /orders", byName.get("GET /orders"));
    assertEquals("SERVER", root.get("kind").asText());
    assertEquals("out of memory", root.get("tags").get("error").asText());
    assertTrue(withMmap != null, "one span carries the mmap event: " + spans);
    assertEquals(root.get("id").asText(), withMmap.get("parentId").asText());
    JsonNode annotation = withMmap.get("annotations").get(0);
    assertEquals("mmap len=67108864 ret=0x7f3a2c000000", annotation.get("value").asText());
    assertEquals((OtlpFixtures.START_NANOS + 1_000_000 + 1_000) / 1000, annotation.get("timestamp").asLong());
  }

  @Test
  void theCollectorForwardsSdkSpansToAGrpcUpstreamThatComesUpLateAndToZipkin() throws Exception {
    int upstreamPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      upstreamPort = s.getLocalPort(); // reserved, then closed: the upstream is down at first
    }
    String upstream = "http://127.0.0.1:" + upstreamPort;
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Path ports = dir.resolve("collector.ports");
    Path log = dir.resolve("collector.log");
    ProcessBuilder pb = new ProcessBuilder(repo.resolve("memspan").toString(), "collector",
        "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0",
        "--spool", dir.resolve("spool").toString(), "--ports-file", ports.toString(),
        "--upstream", upstream, "--upstream-protocol", "grpc", "--zipkin", zipkin.url());
    pb.environment().put("MEMSPAN_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process collector = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (GrpcReceiver receiver = new GrpcReceiver()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(ports)) {
        assertTrue(collector.isAlive(), "collector exited: " + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "no ports file: " + Files.readString(log));
        Thread.sleep(50);
      }
      Map<String, String> bound = new HashMap<>();
      for (String line : Files.readAllLines(ports)) {
        String[] kv = line.split("=", 2);
        bound.put(kv[0], kv[1]);
      }

      List<SpanData> spans = SdkClients.spans("e2e-forward", "ArrayList.grow#", 50);
      OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://" + bound.get("grpc")).setTimeout(Duration.ofSeconds(10)).build();
      try {
        assertTrue(SdkClients.acked(exporter.export(spans), 20), "the collector acknowledged the export");
      } finally {
        exporter.shutdown().join(5, TimeUnit.SECONDS);
      }
      String metricsUrl = "http://" + bound.get("http") + "/metrics";
      String retried = "memspan_collector_forward_retried_total{sink=\"upstream:" + upstream + "\"}";
      waitForMetric(metricsUrl, retried, 1); // the upstream is down: the collector keeps retrying

      receiver.start(upstreamPort); // the upstream comes back
      Set<String> expected = new HashSet<>();
      spans.forEach(s -> expected.add(s.getSpanId()));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!spanIds(receiver.traces).containsAll(expected)) {
        assertTrue(System.nanoTime() < until, "upstream got " + spanIds(receiver.traces).size() + " of 50 spans");
        Thread.sleep(100);
      }
      Span received = receiver.traces.get(0).getResourceSpans(0).getScopeSpans(0).getSpans(0);
      assertEquals("java.util.HashMap", received.getAttributesList().stream()
          .filter(kv -> kv.getKey().equals("memspan.structure.type")).findFirst().orElseThrow()
          .getValue().getStringValue(), "attributes arrive unchanged");

      SpanData one = spans.get(7);
      JsonNode inZipkin = zipkin.trace(one.getTraceId(), 1);
      assertEquals(one.getSpanId(), inZipkin.get(0).get("id").asText());
      assertEquals("e2e-forward", inZipkin.get(0).get("localEndpoint").get("serviceName").asText());
      assertEquals("23", inZipkin.get(0).get("tags").get("memspan.capacity.before").asText());

      waitForMetric(metricsUrl, "memspan_collector_forward_spans_total{sink=\"upstream:" + upstream + "\"}", 50);
      waitForMetric(metricsUrl, "memspan_collector_forward_spans_total{sink=\"zipkin:" + zipkin.url() + "\"}", 50);
    } finally {
      collector.destroy();
      assertTrue(collector.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the collector");
    }
  }

  private static Set<String> spanIds(List<ExportTraceServiceRequest> requests) {
    Set<String> ids = new HashSet<>();
    for (ExportTraceServiceRequest r : requests) {
      for (ResourceSpans rs : r.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            ids.add(hex(s.getSpanId().toByteArray()));
          }
        }
      }
    }
    return ids;
  }

  /** Waits until the collector's /metrics shows {@code series} at {@code atLeast} or more. */
  private static void waitForMetric(String url, String series, long atLeast) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String body = "";
    while (System.nanoTime() < until) {
      body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.startsWith(series + " ") && Long.parseLong(line.substring(series.length() + 1).trim()) >= atLeast) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(series + " never reached " + atLeast + " in:\n" + body);
  }
}
