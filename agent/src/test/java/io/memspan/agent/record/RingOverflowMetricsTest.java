package io.memspan.agent.record;

import static io.memspan.agent.testing.MetricPoints.attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.account.ExitReport;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.export.Exporters;
import io.memspan.agent.export.Telemetry;
import io.memspan.agent.probe.Kinds;
import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.bpf.MemoryProbes;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A stalled poller: the threads' op rings overflow. Every op is still counted by structure type in
 * the OTLP metrics a real receiver gets ({@code memspan.ops}, {@code memspan.bytes.copied}), the
 * ops the rings could not take once more as {@code memspan.ops.dropped{reason=queue_full}}.
 */
class RingOverflowMetricsTest {
  private static final int RING = 64;

  /** An application's own list type: counted under its own name, as when it is recorded. */
  static final class Orders extends ArrayList<Object> {}

  private final AgentMetrics metrics = new AgentMetrics();
  private final Recorder recorder = new Recorder(new ThreadGroup("memspan-test"), 1_000_000, 1.0,
      1_000_000, RING);
  // ops made, by simple type: what the metrics must say
  private final Map<String, Long> made = new TreeMap<>();
  private final Map<String, Long> copied = new TreeMap<>();
  private final int ref = ByteEstimates.detectReferenceWidth();

  private synchronized void made(String type, long bytesCopied) {
    made.merge(type, 1L, Long::sum);
    copied.merge(type, bytesCopied, Long::sum);
  }

  private void grow(int kind, Object structure, long before, long after, String type,
      long bytesCopied) {
    recorder.end(recorder.begin(kind, structure, null, before, before), null, after);
    made(type, bytesCopied);
  }

  /** About 200 ops of five types on one thread, interleaved, so each type meets a full ring. */
  private void application(int seed) {
    ArrayList<Object> list = new ArrayList<>();
    HashMap<Object, Object> map = new HashMap<>();
    Orders orders = new Orders();
    byte[] buf = new byte[5000 + seed];
    for (int i = 0; i < 40; i++) {
      grow(Kinds.ARRAY_LIST, list, 10_000 + i, 15_000 + i, "ArrayList", (10_000L + i) * ref);
      grow(Kinds.ARRAY_LIST, list, 20_000 + i, 30_000 + i, "ArrayList", (20_000L + i) * ref);
      grow(Kinds.HASH_MAP, map, 8192L << (i % 4), 16384L << (i % 4), "HashMap",
          (8192L << (i % 4)) * ref);
      grow(Kinds.ARRAY_LIST, orders, 6000, 9000, "Orders", 6000L * ref);
      byte[] next = new byte[buf.length * 2];
      recorder.end(recorder.beginCopy(Kinds.STRING_BUILDER, StringBuilder.class, buf, buf.length,
          buf.length), next, next.length);
      made("StringBuilder", buf.length);
      buf = i % 8 == 7 ? new byte[5000 + seed] : next;
    }
  }

  @Test
  void opsOnFullRingsAreCountedByTypeAndAsDropped() throws Exception {
    recorder.useProbe(MemoryProbes.none());
    Poller poller = new Poller(recorder, metrics, new Advisor(16, 64), null, Long.MAX_VALUE);
    // the poller is stalled (not running): each thread's ring takes 64 ops, the rest overflow
    application(0);
    Thread other = new Thread(() -> application(1), "app-2");
    other.start();
    other.join();
    long total = made.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(400, total);

    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ByteArrayOutputStream exitLines = new ByteArrayOutputStream();
      Telemetry t = Exporters.start(AgentConfig.of(Map.of(), Map.of(
          "otel.traces.exporter", "none",
          "otel.metric.export.interval", "600000",
          "otel.exporter.otlp.endpoint", rx.endpoint()), Map.of()),
          new PrintStream(exitLines, true, StandardCharsets.UTF_8));
      t.register(metrics);
      poller.useTelemetry(t);
      poller.stopAndFlush(0); // the poller catches up: drains the rings, reports the drops
      t.close(); // the final metric export

      Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), Duration.ZERO);
      assertEquals(made, sumByType(ops, null), "every op, by type, rings full or not");
      assertEquals(2 * RING, sumByType(ops, "true").values().stream().mapToLong(Long::longValue)
          .sum(), "sample rate 1: every op that reached the poller is kept, no other " + ops);
      Metric bytes = rx.awaitMetric(m -> m.getName().equals("memspan.bytes.copied"),
          Duration.ZERO);
      assertEquals(copied, sumByType(bytes, null));
      Metric dropped = rx.awaitMetric(m -> m.getName().equals("memspan.ops.dropped"),
          Duration.ZERO);
      assertEquals(total - 2 * RING, point(dropped, "memspan.reason", "queue_full"));
      assertEquals(0, point(dropped, "memspan.reason", "span_cap"));
    }
    assertEquals("memspan: span export off (otel.traces.exporter=none): 400 ops counted, "
        + "128 kept (no spans sent), 272 of them on full op rings (not kept)",
        ExitReport.line(metrics, "otel.traces.exporter=none"));
  }

  /** Data points by {@code memspan.structure.type}, summed over kept, or only kept=true/false. */
  private static Map<String, Long> sumByType(Metric m, String kept) {
    assertTrue(m.hasSum(), m.toString());
    Map<String, Long> out = new TreeMap<>();
    for (NumberDataPoint p : m.getSum().getDataPointsList()) {
      Map<String, String> a = attributes(p.getAttributesList());
      if (kept == null || kept.equals(a.get("memspan.kept"))) {
        out.merge(a.get("memspan.structure.type"), p.getAsInt(), Long::sum);
      }
    }
    out.values().removeIf(v -> v == 0);
    return out;
  }

  private static long point(Metric m, String key, String value) {
    return m.getSum().getDataPointsList().stream()
        .filter(p -> value.equals(attributes(p.getAttributesList()).get(key)))
        .mapToLong(NumberDataPoint::getAsInt).sum();
  }

}
