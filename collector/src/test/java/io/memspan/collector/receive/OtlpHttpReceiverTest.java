package io.memspan.collector.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.memspan.collector.Collector;
import io.memspan.collector.CollectorConfig;
import io.memspan.collector.SdkClients;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.memspan.collector.spool.SpoolReader;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpHttpReceiverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "s3cret-token";

  @TempDir Path dir;
  Collector collector;
  String base;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    CollectorConfig c = CollectorConfig.ephemeral(dir.resolve("spool"));
    collector = Collector.start(new CollectorConfig(c.http(), c.grpc(), c.ui(), c.spoolDir(), c.spoolMaxBytes(),
        1 << 20, 1500, List.of(), c.upstreamProtocol(), List.of(), null, TOKEN, null, 10_000));
    base = "http://127.0.0.1:" + collector.httpAddress().getPort();
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  private List<SpoolEntry> spooled() throws Exception {
    List<SpoolEntry> out = new ArrayList<>();
    try (SpoolReader r = collector.spool().reader(0)) {
      for (SpoolEntry e; (e = r.next()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private Set<String> spooledSpanIds() throws Exception {
    Set<String> ids = new HashSet<>();
    for (SpoolEntry e : spooled()) {
      if (e.signal() == Signal.TRACES) {
        ExportTraceServiceRequest.parseFrom(e.payload()).getResourceSpansList().forEach(rs ->
            rs.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(s ->
                ids.add(java.util.HexFormat.of().formatHex(s.getSpanId().toByteArray())))));
      }
    }
    return ids;
  }

  private HttpResponse<byte[]> post(String path, String type, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(java.time.Duration.ofSeconds(20))
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    boolean auth = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      auth |= headers[i].equalsIgnoreCase("Authorization");
    }
    if (!auth) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Reads the OTLP error body (google.rpc.Status) that every refusal carries. */
  private static String statusMessage(HttpResponse<byte[]> r) throws Exception {
    if (r.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
      return JSON.readTree(r.body()).get("message").asText();
    }
    CodedInputStream in = CodedInputStream.newInstance(r.body());
    String message = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag >>> 3 == 2) {
        message = in.readString();
      } else {
        in.skipField(tag);
      }
    }
    return message;
  }

  private io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder exporter() {
    return OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces")
        .addHeader("Authorization", "Bearer " + TOKEN).setTimeout(java.time.Duration.ofSeconds(20));
  }

  @Test
  void officialSdkHttpExporterIsAcknowledgedAfterSpooling() throws Exception {
    List<SpanData> spans = SdkClients.spans("checkout", "HashMap.resize#", 512);
    try (OtlpHttpSpanExporter exporter = exporter().build()) {
      assertTrue(SdkClients.acked(exporter.export(spans), 20));
    }
    Set<String> expected = new HashSet<>();
    spans.forEach(s -> expected.add(s.getSpanId()));
    assertEquals(expected, spooledSpanIds());
    assertEquals(512, collector.metrics().value("memspan_collector_received_items_total", "signal", "traces"));
    // The store is fed from the spool: the spans become queryable.
    SpanData first = spans.get(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (collector.store().span(first.getTraceId(), first.getSpanId()) == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertNotNull(collector.store().span(first.getTraceId(), first.getSpanId()));
  }

  @Test
  void gzipFromTheSdkExporterAndMetricsAreAccepted() throws Exception {
    List<SpanData> spans = SdkClients.spans("checkout", "ArrayList.grow#", 100);
    try (OtlpHttpSpanExporter exporter = exporter().setCompression("gzip").build()) {
      assertTrue(SdkClients.acked(exporter.export(spans), 20));
    }
    try (OtlpHttpMetricExporter metrics = OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics")
        .addHeader("Authorization", "Bearer " + TOKEN).build()) {
      assertTrue(SdkClients.exportMetrics(metrics));
    }
    List<SpoolEntry> all = spooled();
    // The meter provider exports once on forceFlush and again on close: one or more metrics requests.
    assertTrue(all.size() >= 2, all.toString());
    assertEquals(Signal.TRACES, all.get(0).signal());
    all.subList(1, all.size()).forEach(e -> assertEquals(Signal.METRICS, e.signal()));
    var metricsReq = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(all.get(1).payload());
    var names = new HashSet<String>();
    metricsReq.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList().forEach(m -> {
      names.add(m.getName());
      if (m.getName().equals("memspan.growth.count")) {
        assertEquals(7, m.getSum().getDataPoints(0).getAsInt());
      }
    })));
    assertTrue(names.containsAll(List.of("memspan.growth.count", "memspan.bytes.copied")), names.toString());
  }

  @Test
  void curlSendsOtlpJsonWithHexIds() throws Exception {
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"curl-svc\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"parentSpanId\":\"eee19b7ec3c1b173\",\"name\":\"ArrayList.grow\",\"kind\":1,\"startTimeUnixNano\":\"1544712660000000000\","
        + "\"endTimeUnixNano\":\"1544712661000000000\",\"attributes\":[{\"key\":\"memspan.bytes.copied\",\"value\":{\"intValue\":\"4096\"}}],"
        + "\"links\":[{\"traceId\":\"00000000000000000000000000000001\",\"spanId\":\"0000000000000002\"}]}]}]}]}";
    Process p = new ProcessBuilder("curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST",
        "-H", "Content-Type: application/json", "-H", "Authorization: Bearer " + TOKEN,
        "--data-binary", json, base + "/v1/traces").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals("{}\n200", out);
    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(spooled().get(0).payload());
    var span = req.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    java.util.HexFormat hex = java.util.HexFormat.of();
    assertEquals("5b8efff798038103d269b633813fc60c", hex.formatHex(span.getTraceId().toByteArray()));
    assertEquals("eee19b7ec3c1b174", hex.formatHex(span.getSpanId().toByteArray()));
    assertEquals("eee19b7ec3c1b173", hex.formatHex(span.getParentSpanId().toByteArray()));
    assertEquals("0000000000000002", hex.formatHex(span.getLinks(0).getSpanId().toByteArray()));
    assertEquals(1544712660000000000L, span.getStartTimeUnixNano());
    assertEquals(4096, span.getAttributes(0).getValue().getIntValue());
  }

  @Test
  void malformedBodiesGet400NamingTheProblem() throws Exception {
    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", new byte[] {(byte) 0x0a, (byte) 0xff, 1, 2});
    assertEquals(400, r.statusCode());
    assertTrue(statusMessage(r).startsWith("malformed protobuf ExportTraceServiceRequest"), statusMessage(r));

    r = post("/v1/traces", "application/json", "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertTrue(statusMessage(r).startsWith("malformed JSON"), statusMessage(r));

    r = post("/v1/traces", "application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"abc\"}]}]}]}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertEquals("spanId must be 16 hex digits, got \"abc\"", statusMessage(r));

    r = post("/v1/traces", "application/json", "{\"resourceSpans\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertTrue(statusMessage(r).startsWith("malformed OTLP/JSON ExportTraceServiceRequest"), statusMessage(r));

    r = post("/v1/traces", "application/x-protobuf", new byte[] {1, 2, 3}, "Content-Encoding", "gzip");
    assertEquals(400, r.statusCode());
    assertTrue(statusMessage(r).contains("not gzip"), statusMessage(r));

    r = post("/v1/traces", "text/plain", "hi".getBytes(StandardCharsets.UTF_8));
    assertEquals(415, r.statusCode());
    r = post("/v1/traces", "application/x-protobuf", new byte[0], "Content-Encoding", "br");
    assertEquals(415, r.statusCode());
    r = post("/v1/logs", "application/x-protobuf", new byte[0]);
    assertEquals(404, r.statusCode());
    assertEquals(3, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "malformed") - 2);
    assertEquals(0, spooled().size(), "nothing refused is spooled");
  }

  @Test
  void bodiesOverTheLimitAndGzipBombsGet413() throws Exception {
    byte[] big = new byte[(1 << 20) + 1];
    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", big);
    assertEquals(413, r.statusCode());
    assertTrue(statusMessage(r).contains("larger than the limit of 1048576 bytes"), statusMessage(r));

    // 64 MiB of zeros gzip to ~64 KiB: under the limit on the wire, far over it inflated.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
    }
    assertTrue(gz.size() < 1 << 20);
    r = post("/v1/traces", "application/x-protobuf", gz.toByteArray(), "Content-Encoding", "gzip");
    assertEquals(413, r.statusCode());
    assertTrue(statusMessage(r).contains("inflates to more than the limit"), statusMessage(r));
    assertEquals(2, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "too_large"));
  }

  @Test
  void missingOrWrongTokenGets401() throws Exception {
    byte[] empty = ExportTraceServiceRequest.getDefaultInstance().toByteArray();
    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", empty, "Authorization", "Bearer nope");
    assertEquals(401, r.statusCode());
    assertEquals("wrong bearer token", statusMessage(r));
    HttpRequest noAuth = HttpRequest.newBuilder(URI.create(base + "/v1/traces")).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(empty)).build();
    HttpResponse<byte[]> r2 = http.send(noAuth, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, r2.statusCode());
    assertTrue(statusMessage(r2).startsWith("missing Authorization"));
    try (OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build()) {
      assertFalse(SdkClients.acked(exporter.export(SdkClients.spans("x", "y", 1)), 20));
    }
    // every protected path, in the request's own encoding, refused on its head (once, counted once)
    HttpResponse<byte[]> r3 = post("/v1/metrics", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
        "Authorization", "Bearer s3cret-token-but-longer");
    assertEquals(401, r3.statusCode());
    assertEquals("wrong bearer token", statusMessage(r3));
    assertEquals(16, JSON.readTree(r3.body()).get("code").asInt(), "google.rpc.Status code UNAUTHENTICATED");
    HttpResponse<byte[]> r4 = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, r4.statusCode());
    assertTrue(statusMessage(r4).startsWith("missing Authorization"), statusMessage(r4));
    assertEquals(200, post("/v1/traces", "application/x-protobuf", empty).statusCode());
    assertEquals(5, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "unauthenticated"));
  }

  @Test
  void aStalledClientIsTimedOutWithoutDelayingOthers() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", collector.httpAddress().getPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
          + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: 1000\r\n\r\nabc").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      // Another client is served while the slow one holds its connection.
      byte[] empty = ExportTraceServiceRequest.getDefaultInstance().toByteArray();
      assertEquals(200, post("/v1/traces", "application/x-protobuf", empty).statusCode());
      slow.setSoTimeout(10_000);
      InputStream in = slow.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // until the server closes
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(response.startsWith("HTTP/1.1 408"), response);
      assertTrue(waitedMs >= 1000 && waitedMs < 8000, "closed after " + waitedMs + " ms (timeout 1500)");
    }
    assertEquals(1, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "timeout"));
  }

  @Test
  void healthReadinessAndPrometheusMetrics() throws Exception {
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals("ready\n", http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    post("/v1/traces", "application/x-protobuf", new byte[] {(byte) 0xff});
    HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, m.statusCode());
    assertTrue(m.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    String text = m.body();
    for (String line : List.of("memspan_collector_rejected_requests_total{reason=\"malformed\"} 1",
        "# TYPE memspan_collector_spool_bytes gauge", "memspan_collector_spool_segments 1",
        "memspan_collector_sink_lag_records{sink=\"store\"} 0", "memspan_collector_spool_evicted_segments_total 0")) {
      assertTrue(text.contains(line), "missing " + line + " in\n" + text);
    }
  }

  @Test
  void jsonNodeIsUsedForJsonErrors() throws Exception {
    HttpResponse<byte[]> r = post("/v1/metrics", "application/json", "[]".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(3, body.get("code").asInt());
    assertEquals("OTLP/JSON body must be a JSON object", body.get("message").asText());
  }
}
