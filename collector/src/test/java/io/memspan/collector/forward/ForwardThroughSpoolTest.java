package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SinkDispatcher;
import io.memspan.collector.spool.Spool;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarders fed by the real spool and dispatcher: an upstream outage delays delivery but loses
 * nothing, Retry-After holds the next attempt back by the time asked, and a refused entry is
 * dropped, counted, and does not block the ones after it.
 */
class ForwardThroughSpoolTest {
  @TempDir Path dir;
  private final Metrics metrics = new Metrics();

  private static void waitFor(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  private static String traceIdOf(ExportTraceServiceRequest r) {
    return OtlpFixtures.hex(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
  }

  @Test
  void aGrpcUpstreamOutageDelaysDeliveryButLosesNothing() throws Exception {
    try (GrpcReceiver upstream = new GrpcReceiver().start();
        Spool spool = Spool.open(dir, 64 << 20, 1 << 20, metrics)) {
      Forwarder forwarder = Forwarders.create(List.of(upstream.url()), "grpc", null, metrics).get(0);
      SinkDispatcher dispatcher = new SinkDispatcher(spool, forwarder, metrics);
      dispatcher.start();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sent.add(append(spool, 2));
      }
      waitFor("the first 10 before the outage", 20, () -> upstream.traces.size() == 10);

      int port = upstream.port();
      upstream.stop();
      long downSince = System.nanoTime();
      for (int i = 0; i < 20; i++) { // the application keeps sending while the upstream is down
        sent.add(append(spool, 2));
        Thread.sleep(100);
      }
      waitFor("retries while down", 20, () -> forwarder.stats().retried() >= 3);
      assertEquals(10, upstream.traces.size(), "nothing got through while the upstream was down");
      upstream.start(port);
      long downMillis = (System.nanoTime() - downSince) / 1_000_000;

      waitFor("every entry after recovery", 60, () -> distinctTraceIds(upstream).size() == 30);
      waitFor("the forwarder to count every span", 10, () -> forwarder.stats().forwardedSpans() == 30 * 3);
      assertEquals(sent, List.copyOf(distinctTraceIds(upstream)), "all delivered, in spool order");
      assertTrue(downMillis >= 2000, "the outage lasted " + downMillis + " ms");
      long retried = forwarder.stats().retried();
      assertTrue(retried >= 3, "retried " + retried);
      assertEquals(retried, metrics.value("memspan_collector_forward_retried_total", "sink", forwarder.name()));
      assertEquals(Map.of(), forwarder.stats().droppedItemsByReason());

      dispatcher.stop(2000);
    }
  }

  @Test
  void anHttpUpstreamIsRetriedAfterItsRetryAfterAndRefusalsAreDroppedNotRepeated() throws Exception {
    try (HttpReceiver upstream = new HttpReceiver().start();
        Spool spool = Spool.open(dir, 64 << 20, 1 << 20, metrics)) {
      upstream.script.add(HttpReceiver.Answer.retryAfter(503, "2"));
      upstream.script.add(HttpReceiver.Answer.of(200));
      upstream.script.add(new HttpReceiver.Answer(400, null, "text/plain", "bad".getBytes(), false));
      Forwarder forwarder = Forwarders.create(List.of(upstream.url()), "http/protobuf", null, metrics).get(0);
      SinkDispatcher dispatcher = new SinkDispatcher(spool, forwarder, metrics);
      dispatcher.start();
      for (int i = 0; i < 4; i++) {
        append(spool, 1);
      }
      // 503 (first entry), 200 (first entry again), 400 (second: dropped), 200, 200.
      waitFor("five requests", 30, () -> upstream.received.size() == 5);
      long waitedMillis = (upstream.received.get(1).nanoTime() - upstream.received.get(0).nanoTime()) / 1_000_000;
      assertTrue(waitedMillis >= 2000 && waitedMillis < 4000,
          "Retry-After: 2 held the retry back " + waitedMillis + " ms");
      waitFor("the cursor to pass all four", 10, () -> dispatcher.position() == 4);
      Thread.sleep(300);
      assertEquals(5, upstream.received.size(), "the refused entry was not sent again");
      ForwarderStats s = forwarder.stats();
      assertEquals(1, s.retried());
      assertEquals(3, s.forwardedRequests());
      assertEquals(Map.of("http_400", 1L), s.droppedRequestsByReason());
      assertEquals(Map.of("http_400", 2L), s.droppedItemsByReason());
      dispatcher.stop(2000);
    }
  }

  private static String append(Spool spool, int children) throws Exception {
    byte[] traceId = randomId(16);
    spool.append(Signal.TRACES, System.currentTimeMillis(), trace(traceId, children).toByteArray()).get();
    return OtlpFixtures.hex(traceId);
  }

  private static LinkedHashSet<String> distinctTraceIds(GrpcReceiver upstream) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (ExportTraceServiceRequest r : upstream.traces) {
      ids.add(traceIdOf(r));
    }
    return ids;
  }
}
