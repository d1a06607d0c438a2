package io.memspan.collector.ui;

import static io.memspan.collector.store.OtlpSpans.entry;
import static io.memspan.collector.store.OtlpSpans.op;
import static io.memspan.collector.store.OtlpSpans.request;
import static io.memspan.collector.store.OtlpSpans.spanId;
import static io.memspan.collector.store.OtlpSpans.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memspan.collector.store.EmbeddedStore;
import io.memspan.collector.store.SpanAttributes;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query API and page over a real socket, as a browser or curl would use them. */
class UiServerApiTest {
  private static final long T0 = 1_763_700_000_000_000_000L;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private EmbeddedStore store;
  private UiServer ui;
  private String base;

  @BeforeEach
  void start() throws Exception {
    store = new EmbeddedStore();
    Span.Builder withMmap = op(2, 3, "ByteBuffer", "com.shop.Io.read", 30, "io-1", 102, T0 + 50_000, 0, 4, 0, 1 << 20);
    withMmap.addEvents(Span.Event.newBuilder().setName("mmap").setTimeUnixNano(T0 + 50_100)
        .addAttributes(io.memspan.collector.store.OtlpSpans.attr("len", 1L << 20)));
    store.deliver(entry(request("shop",
        op(1, 1, "ArrayList", "com.shop.Cart.add", 10, "main", 100, T0, 3, 0, 80, 0),
        op(1, 2, "HashMap", "com.shop.Index.put", 20, "main", 100, T0 + 5_000, 1, 0, 4096, 0),
        withMmap)));
    ui = new UiServer(new InetSocketAddress("127.0.0.1", 0), store);
    InetSocketAddress bound = ui.start();
    base = "http://127.0.0.1:" + bound.getPort();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    return json.readTree(r.body());
  }

  private void badParameter(String pathAndQuery, String parameter) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertEquals(400, r.statusCode(), pathAndQuery + " -> " + r.body());
    JsonNode err = json.readTree(r.body());
    assertEquals(parameter, err.get("parameter").asText());
    assertTrue(err.get("error").asText().contains("'" + parameter + "'"), err.toString());
  }

  @Test
  void spansTracesAndFilters() throws Exception {
    JsonNode spans = ok("/api/spans?service=shop&attr=" + enc(SpanAttributes.THREAD_NAME + "=main") + "&limit=5").get("spans");
    assertEquals(2, spans.size());
    assertEquals(spanId(2), spans.get(0).get("spanId").asText());
    assertEquals(4096, spans.get(0).get("attributes").get(SpanAttributes.BYTES_COPIED).asLong());
    assertEquals(Long.toString(T0 + 5_000), spans.get(0).get("startUnixNano").textValue());
    assertEquals(0, ok("/api/spans?service=nope").get("spans").size());
    assertEquals(1, ok("/api/spans?name=HashMap.grow").get("spans").size());
    long fromMs = (T0 + 40_000) / 1_000_000;
    assertEquals(3, ok("/api/spans?from=" + fromMs).get("spans").size(), "ms resolution: all three start in that ms");
    assertEquals(0, ok("/api/spans?to=2020-01-01T00:00:00Z").get("spans").size());

    JsonNode traces = ok("/api/traces").get("traces");
    assertEquals(2, traces.size());
    JsonNode trace = ok("/api/traces/" + traceId(2));
    JsonNode span = trace.get("spans").get(0);
    assertEquals("mmap", span.get("events").get(0).get("name").asText());
    assertEquals(1L << 20, span.get("events").get(0).get("attributes").get("len").asLong());
    assertEquals(4, span.get("faults").asLong());
    assertEquals("shop", ok("/api/traces/" + traceId(2) + "/spans/" + spanId(3)).get("service").asText());
    assertEquals(404, get("/api/traces/" + traceId(9)).statusCode());
    assertEquals(404, get("/api/traces/" + traceId(2) + "/spans/" + spanId(9)).statusCode());
    assertEquals(404, get("/api/nothing").statusCode());
    assertEquals("[\"shop\"]", ok("/api/services").get("services").toString());
    assertEquals(3, ok("/api/stats").get("spans").asLong());
  }

  @Test
  void aggregates() throws Exception {
    JsonNode sites = ok("/api/callsites?service=shop").get("callSites");
    assertEquals(3, sites.size());
    assertEquals("ByteBuffer", sites.get(0).get("site").get("structureType").asText(), "most faults first");
    assertEquals(1 << 20, sites.get(0).get("mmapBytes").asLong());
    JsonNode threads = ok("/api/threads").get("threads");
    assertEquals("io-1", threads.get(0).get("threadName").asText());
    assertEquals(2, threads.get(1).get("ops").size());
    JsonNode ts = ok("/api/timeseries?buckets=2");
    assertEquals(2, ts.get("buckets").size());
    assertEquals(4096 + 80, ts.get("buckets").get(0).get("bytesCopied").asLong());
    assertEquals(4, ts.get("buckets").get(1).get("faults").asLong());
    assertEquals(0, ok("/api/advice").get("advice").size());
  }

  /**
   * A browser reads JSON numbers as doubles, exact only up to 2^53: epoch nanos (~1.8e18) must come
   * as strings, or the page sees every time rounded to 256 ns (an mmap 100 ns into its operation
   * would show at +0 ns or +256 ns).
   */
  @Test
  void epochNanosAreExactStringsAndNoNumberIsBeyondWhatABrowserHolds() throws Exception {
    JsonNode span = ok("/api/traces/" + traceId(2) + "/spans/" + spanId(3));
    assertEquals("1763700000000050000", span.get("startUnixNano").textValue());
    assertEquals("1763700000000051000", span.get("endUnixNano").textValue());
    assertEquals(1_000, span.get("durationNanos").longValue(), "durations stay numbers");
    assertEquals("1763700000000050100", span.get("events").get(0).get("timeUnixNano").textValue());
    JsonNode trace = ok("/api/traces").get("traces").get(1);
    assertEquals(Long.toString(T0), trace.get("startUnixNano").textValue());
    assertEquals(6_000, trace.get("durationNanos").longValue());
    JsonNode ops = ok("/api/threads").get("threads").get(1).get("ops");
    assertEquals(Long.toString(T0 + 5_000), ops.get(1).get("startUnixNano").textValue());
    JsonNode ts = ok("/api/timeseries?buckets=2");
    assertEquals(Long.toString(T0), ts.get("fromUnixNano").textValue());
    assertEquals(Long.toString(T0 + 25_001), ts.get("buckets").get(1).get("startUnixNano").textValue());
    JsonNode site = ok("/api/callsites").get("callSites").get(0);
    assertEquals(Long.toString(T0 + 51_000), site.get("lastUnixNano").textValue());

    for (String route : new String[] {"/api/spans", "/api/traces", "/api/traces/" + traceId(2), "/api/callsites",
        "/api/threads", "/api/timeseries", "/api/advice", "/api/stats"}) {
      assertEveryNumberFitsADouble(route, ok(route));
    }
  }

  private static void assertEveryNumberFitsADouble(String route, JsonNode node) {
    if (node.isIntegralNumber()) {
      assertTrue(Math.abs(node.longValue()) <= 1L << 53, route + ": " + node + " is beyond 2^53");
    }
    node.forEach(child -> assertEveryNumberFitsADouble(route, child));
  }

  @Test
  void badParametersAreNamed() throws Exception {
    badParameter("/api/spans?limit=abc", "limit");
    badParameter("/api/spans?limit=0", "limit");
    badParameter("/api/spans?limit=10001", "limit");
    badParameter("/api/spans?attr=novalue", "attr");
    badParameter("/api/spans?from=yesterday", "from");
    badParameter("/api/spans?from=2000&to=1000", "from");
    badParameter("/api/spans?serivce=shop", "serivce");
    badParameter("/api/spans?service=", "service");
    badParameter("/api/spans?limit=1&limit=2", "limit");
    badParameter("/api/timeseries?buckets=0", "buckets");
    badParameter("/api/timeseries?limit=3", "limit");
    badParameter("/api/traces/XYZ", "traceId");
    badParameter("/api/traces/" + traceId(1) + "/spans/zz", "spanId");
  }

  @Test
  void servesThePageWithAStrictPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
    assertTrue(page.body().contains("<script src=\"/app.js\""), "the page loads its bundled script");
    String csp = page.headers().firstValue("content-security-policy").orElseThrow();
    assertTrue(csp.contains("script-src 'self'"), csp);
    assertEquals(200, get("/app.js").statusCode());
    assertEquals(200, get("/style.css").statusCode());
    assertEquals(404, get("/../pom.xml").statusCode());
    assertEquals(404, get("/io/memspan/collector/ui/web/app.js").statusCode());
    HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stats"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(get("/api/stats").body().length(), head.headers().firstValueAsLong("content-length").orElseThrow());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/api/spans"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void tokenIsRequiredWhenConfigured() throws Exception {
    ui.close();
    ui = new UiServer(new InetSocketAddress("127.0.0.1", 0), store, "s3cret");
    base = "http://127.0.0.1:" + ui.start().getPort();
    assertEquals(401, get("/").statusCode());
    assertEquals(401, get("/api/stats?token=wrong").statusCode());
    HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stats"))
        .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, bearer.statusCode());
    HttpResponse<String> open = get("/?token=s3cret");
    assertEquals(303, open.statusCode());
    String cookie = open.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(cookie.toLowerCase().contains("httponly") && cookie.contains("SameSite=Strict"), cookie);
    HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stats"))
        .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, withCookie.statusCode());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
