package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.entry;
import static io.memspan.collector.forward.OtlpFixtures.metrics;
import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.RetryLaterException;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpHttpForwarderTest {
  private final Metrics metrics = new Metrics();
  private HttpReceiver upstream;
  private Forwarder forwarder;

  static final ForwarderOptions FAST =
      new ForwarderOptions(Duration.ofSeconds(2), Duration.ofMillis(1500), true, Duration.ofMinutes(5), null, UpstreamHeaders.NONE);

  @BeforeEach
  void start() throws Exception {
    upstream = new HttpReceiver().start();
    forwarder = Forwarders.create(List.of(upstream.url() + "/otlp/"), "http/protobuf", null, metrics, FAST).get(0);
  }

  @AfterEach
  void stop() throws Exception {
    forwarder.close();
    upstream.close();
  }

  @Test
  void postsTheSpooledProtobufGzippedToTheSignalPathsOnOneKeepAliveConnection() throws Exception {
    List<SpoolEntry> entries = List.of(
        entry(0, trace(randomId(16), 3)), entry(1, trace(randomId(16), 5)), entry(2, metrics(7)));
    for (SpoolEntry e : entries) {
      forwarder.deliver(e);
    }
    assertEquals("upstream:" + upstream.url() + "/otlp", forwarder.name());
    assertEquals(3, upstream.received.size());
    assertEquals(List.of("/otlp/v1/traces", "/otlp/v1/traces", "/otlp/v1/metrics"),
        upstream.received.stream().map(HttpReceiver.Received::path).toList());
    for (int i = 0; i < 3; i++) {
      HttpReceiver.Received r = upstream.received.get(i);
      assertArrayEquals(entries.get(i).payload(), r.body(), "the upstream gets the spooled bytes unchanged");
      assertEquals("application/x-protobuf", r.headers().get("content-type"));
      assertEquals("gzip", r.headers().get("content-encoding"));
      assertEquals("127.0.0.1:" + upstream.port(), r.headers().get("host"));
    }
    assertEquals(1, upstream.connections.get(), "keep-alive: one connection for all requests");
    ForwarderStats s = forwarder.stats();
    assertEquals(3, s.forwardedRequests());
    assertEquals(1 + 3 + 1 + 5, s.forwardedSpans());
    assertEquals(7, s.forwardedDataPoints());
    assertEquals(0, s.retried());
    assertEquals(10, metrics.value(ForwarderStats.SPANS, "sink", forwarder.name()));
  }

  @Test
  void retryableStatusesAskForALaterRetryHonouringRetryAfter() throws Exception {
    SpoolEntry e = entry(0, trace(randomId(16), 1));
    upstream.script.add(HttpReceiver.Answer.retryAfter(503, "2"));
    RetryLaterException seconds = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));
    assertEquals(2000, seconds.delayMillis());
    assertTrue(seconds.getMessage().contains("HTTP 503"), seconds.getMessage());

    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(4));
    upstream.script.add(HttpReceiver.Answer.retryAfter(429, date));
    long delay = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e)).delayMillis();
    assertTrue(delay > 2000 && delay <= 4000, "HTTP-date Retry-After 4 s ahead gave " + delay + " ms");

    for (int status : new int[] {502, 504}) {
      upstream.script.add(HttpReceiver.Answer.of(status));
      assertEquals(0, assertThrows(RetryLaterException.class, () -> forwarder.deliver(e)).delayMillis(),
          "no Retry-After: the dispatcher's backoff decides");
    }
    forwarder.deliver(e);
    assertEquals(4, forwarder.stats().retried());
    assertEquals(1, forwarder.stats().forwardedRequests());
    assertEquals(Map.of(), forwarder.stats().droppedRequestsByReason());
  }

  @Test
  void aRefusedRequestIsDroppedAndCountedNotRetried() throws Exception {
    upstream.script.add(new HttpReceiver.Answer(400, null, "text/plain",
        "span 3 has an invalid trace id".getBytes(), false));
    forwarder.deliver(entry(0, trace(randomId(16), 4))); // returns: the cursor moves on
    ForwarderStats s = forwarder.stats();
    assertEquals(Map.of("http_400", 1L), s.droppedRequestsByReason());
    assertEquals(Map.of("http_400", 5L), s.droppedItemsByReason());
    assertTrue(s.lastError().contains("HTTP 400") && s.lastError().contains("invalid trace id"), s.lastError());
    assertEquals(0, s.forwardedRequests());
    assertEquals(5, metrics.value(ForwarderStats.DROPPED_ITEMS, "sink", forwarder.name(), "reason", "http_400"));
    assertTrue(metrics.render().contains(
        "memspan_collector_forward_dropped_requests_total{sink=\"" + forwarder.name() + "\",reason=\"http_400\"} 1"));
  }

  @Test
  void anOtlpErrorStatusBodyIsReadIntoTheError() throws Exception {
    byte[] status = com.google.rpc.Status.newBuilder()
        .setCode(3).setMessage("span.trace_id must be 16 bytes").build().toByteArray();
    upstream.script.add(new HttpReceiver.Answer(400, null, "application/x-protobuf", status, false));
    forwarder.deliver(entry(0, trace(randomId(16), 1)));
    assertEquals("http://127.0.0.1:" + upstream.port() + "/otlp/v1/traces answered HTTP 400: span.trace_id must be 16 bytes",
        forwarder.stats().lastError());
  }

  @Test
  void partialSuccessCountsTheRejectedSpans() throws Exception {
    byte[] body = ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(2).setErrorMessage("too old"))
        .build().toByteArray();
    upstream.script.add(new HttpReceiver.Answer(200, null, "application/x-protobuf", body, false));
    forwarder.deliver(entry(0, trace(randomId(16), 5)));
    assertEquals(Map.of("partial_success", 2L), forwarder.stats().droppedItemsByReason());
    assertEquals(6 - 2, forwarder.stats().forwardedSpans(), "only the spans the upstream accepted");
  }

  @Test
  void aDownOrStalledUpstreamMeansRetryLater() throws Exception {
    SpoolEntry e = entry(0, trace(randomId(16), 1));
    upstream.script.add(HttpReceiver.Answer.silence());
    long t0 = System.nanoTime();
    RetryLaterException stalled = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(stalled.getMessage().contains("within 1500 ms"), stalled.getMessage());
    assertTrue(tookMillis >= 1400 && tookMillis < 5000, "timed out after " + tookMillis + " ms");

    upstream.stop();
    RetryLaterException down = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));
    assertTrue(down.getMessage().contains("cannot connect"), down.getMessage());
    assertEquals(2, forwarder.stats().retried());
    assertTrue(forwarder.stats().lastError().contains("cannot connect"));
  }

  @Test
  void aKeepAliveConnectionTheUpstreamClosedIsReplacedWithoutARetry() throws Exception {
    forwarder.deliver(entry(0, trace(randomId(16), 1)));
    int port = upstream.port();
    upstream.stop(); // closes the idle connection
    upstream.start(port);
    forwarder.deliver(entry(1, trace(randomId(16), 1)));
    assertEquals(0, forwarder.stats().retried());
    assertEquals(2, forwarder.stats().forwardedRequests());
  }
}
