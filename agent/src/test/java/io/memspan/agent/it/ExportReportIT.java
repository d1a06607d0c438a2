package io.memspan.agent.it;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.agent.testing.SilentHost;
import java.io.InputStream;
import java.io.OutputStream;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the agent reports, at exit and as OTLP metrics received by a real receiver, when one
 * signal's exporter is off: counts of every op, no span built for nobody, no loss invented.
 */
class ExportReportIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String APP = "io.memspan.itapp.Workload";
  private static final Pattern SPANS_OFF = Pattern.compile(
      "memspan: span export off \\(otel\\.traces\\.exporter=none\\): (\\d+) ops counted, "
          + "(\\d+) kept \\(no spans sent\\)"
          + "(?:, (\\d+) of them on full op rings \\(not kept\\))?");

  @Test
  void tracesOffSaysSoAtExitAndTheMetricsCountEveryOp() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent("instrument=premain,kernel=off,otel.traces.exporter=none,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, "builders").assertExitedNormally();
      assertEquals("builders total=200000000", r.stdout().trim());
      Matcher m = SPANS_OFF.matcher(r.stderr());
      assertTrue(m.find(), r.stderr());
      long counted = Long.parseLong(m.group(1));
      long kept = Long.parseLong(m.group(2));
      // on a loaded host the poller can be preempted long enough for a ring to fill: said so,
      // and those ops are counted all the same
      long ringFull = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
      // 2000 builders, each grown past 4096 chars 6 times (34, 70, ... to 131070, 2x + 2)
      assertTrue(counted >= 12_000, r.stderr());
      assertTrue(kept <= counted - ringFull, r.stderr());
      assertFalse(r.stderr().contains("refused"), r.stderr());
      assertFalse(r.stderr().contains("memspan: not exported"), r.stderr());
      assertTrue(rx.traceRequests().isEmpty(), "no traces exporter, yet spans arrived");

      // the final metric export, at exit, carries the same numbers as the line
      Metric ops = rx.awaitMetric(x -> x.getName().equals("memspan.ops"), WAIT);
      assertEquals(counted, sum(ops, Map.of()), ops.toString());
      assertEquals(kept, sum(ops, Map.of("memspan.kept", "true")), ops.toString());
      Metric dropped = rx.awaitMetric(x -> x.getName().equals("memspan.ops.dropped"), WAIT);
      assertEquals(0, sum(dropped, Map.of("memspan.reason", "exporter_rejected")),
          dropped.toString());
      assertEquals(ringFull, sum(dropped, Map.of("memspan.reason", "queue_full")),
          dropped.toString());
    }
  }

  @Test
  void tracesOffCapsNothing() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      // every op kept, and a cap of 10 spans a second that would drop nearly all of them
      ForkedJvm.Result r = ForkedJvm.java()
          .agent("instrument=premain,kernel=off,otel.traces.exporter=none,sample.rate=1,"
              + "spans.per.second=10,otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, "builders").assertExitedNormally();
      Matcher m = SPANS_OFF.matcher(r.stderr());
      assertTrue(m.find(), r.stderr());
      long counted = Long.parseLong(m.group(1));
      long ringFull = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
      assertTrue(counted >= 12_000, r.stderr());
      assertEquals(counted - ringFull, Long.parseLong(m.group(2)),
          "no span is sent, so every op is kept, none capped: " + r.stderr());
      Metric dropped = rx.awaitMetric(x -> x.getName().equals("memspan.ops.dropped"), WAIT);
      assertEquals(0, sum(dropped, Map.of("memspan.reason", "span_cap")), dropped.toString());
      Metric ops = rx.awaitMetric(x -> x.getName().equals("memspan.ops"), WAIT);
      assertEquals(counted - ringFull, sum(ops, Map.of("memspan.kept", "true")), ops.toString());
    }
  }

  @Test
  void metricsOffStillExportsEverySpan() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent("instrument=premain,kernel=off,sample.rate=1,spans.per.second=1000000,"
              + "otel.metrics.exporter=none,otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, "list").assertExitedNormally();
      // ArrayList to 1,000,000 from 10 by 1.5x: the growths to 4096 and beyond are kept
      int expected = 0;
      for (long cap = 10; cap < 1_000_000; cap += cap >> 1) {
        if (cap + (cap >> 1) >= 4096) {
          expected++;
        }
      }
      rx.awaitSpans(expected, WAIT);
      long grows = rx.spans().stream().filter(s -> s.getName().equals("ArrayList.grow")).count();
      assertTrue(grows >= expected, grows + " ArrayList.grow spans\n" + r.stderr());
      assertTrue(rx.metricRequests().isEmpty(), "no metrics exporter, yet metrics arrived");
      assertTrue(r.stderr().contains(rx.spans().size() + " spans sent, 0 dropped (queue full), "
          + "0 failed"), r.stderr());
      assertFalse(r.stderr().contains("span export off"), r.stderr());
    }
  }

  @Test
  void advisorExclusionsAreOtlpMetrics() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.java()
          .agent("instrument=premain,kernel=off,otel.traces.exporter=none,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, "builders").assertExitedNormally();
      Metric excluded = rx.awaitMetric(
          x -> x.getName().equals("memspan.advice.ops.excluded"), WAIT);
      assertTrue(excluded.getSum().getIsMonotonic(), excluded.toString());
      assertEquals("{op}", excluded.getUnit());
      // one call site: never over the 512-site bound
      assertEquals(0, sum(excluded, Map.of("memspan.reason", "site_limit")), excluded.toString());
      // 2000 builders within a second or so; a thread looks up a call site at most every 2 ms
      // for ops not exported, so most builders' first ops are not sampled
      long notSampled = sum(excluded, Map.of("memspan.reason", "not_sampled"));
      assertTrue(notSampled > 0, excluded.toString());
      Metric ops = rx.awaitMetric(x -> x.getName().equals("memspan.ops"), WAIT);
      assertTrue(notSampled <= sum(ops, Map.of("memspan.kept", "false")),
          "only ops that were not exported go unsampled: " + excluded + ops);
    }
  }

  /** The element width comes from the JVM's compressed-references setting. */
  @ParameterizedTest
  @CsvSource({"-XX:+UseCompressedOops, 4", "-XX:-UseCompressedOops, 8"})
  void summaryTruePrintsTheAdviceTableAtExit(String oops, int referenceBytes) throws Exception {
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=off,summary=true,otel.traces.exporter=none,"
            + "otel.metrics.exporter=none")
        .jvmArg("-Xmx512m")
        .jvmArg(oops)
        .run(TIMEOUT, APP, "list").assertExitedNormally();
    // ArrayList to 1,000,000 from 10 by 1.5x; the growths to 4096 and beyond are armed
    long capacity = 10;
    long resizes = 0;
    long copied = 0;
    while (capacity < 1_000_000) {
      long next = capacity + (capacity >> 1);
      if (next >= 4096) {
        resizes++;
        copied += capacity * referenceBytes;
      }
      capacity = next;
    }
    String[] lines = r.stderr().split("\n");
    int title = Arrays.asList(lines)
        .indexOf("memspan: right-sizing advice (initial capacity per call site)");
    assertTrue(title >= 0, r.stderr());
    assertEquals(List.of("call site", "structure", "objects", "mean", "stddev", "max",
        "recommend", "resizes", "saved", "bytes copied saved", "faults saved"),
        List.of(lines[title + 1].trim().split(" {2,}")), r.stderr());
    String site = "io.memspan.itapp.Workload.list:" + Markers.line("list-add");
    List<String> row = null;
    for (int i = title + 2; i < lines.length; i++) {
      List<String> cells = List.of(lines[i].trim().split(" {2,}"));
      if (cells.get(0).equals(site)) {
        row = cells;
      }
    }
    assertTrue(row != null, "no row for " + site + "\n" + r.stderr());
    // one list: its final capacity is the advice, and every armed resize would have been saved
    assertEquals(List.of(site, "ArrayList", "1", capacity + ".0", "0.0", Long.toString(capacity),
        Long.toString(capacity), Long.toString(resizes), Long.toString(resizes),
        Long.toString(copied), "0"), row, r.stderr());
  }

  @Test
  void aCollectorThatDoesNotAnswerHoldsTheExitOnlyUntilTheShutdownTimeout() throws Exception {
    try (SilentHost host = SilentHost.start()) {
      Process p = ForkedJvm.java()
          .agent("instrument=premain,kernel=off,sample.rate=1,export.shutdown.timeout=1500,"
              + "otel.exporter.otlp.endpoint=" + host.endpoint())
          .start(APP, "wait");
      assertEquals("ready", readLine(p.getInputStream()));
      OutputStream in = p.getOutputStream();
      in.write('\n');
      in.flush();
      assertEquals("attached size=200000", readLine(p.getInputStream()));
      long mainDone = System.nanoTime(); // what remains is the JVM's exit
      ForkedJvm.Result r = ForkedJvm.finish(p, TIMEOUT).assertExitedNormally();
      long exitMillis = (System.nanoTime() - mainDone) / 1_000_000;
      Matcher m = Pattern.compile("memspan: export to " + Pattern.quote(host.endpoint())
          + "/v1/traces \\(http/protobuf\\): 0 spans sent, 0 dropped \\(queue full\\), 0 failed, "
          + "(\\d+) unsent at exit \\(collector at 127\\.0\\.0\\.1:" + host.port()
          + " did not answer within the 1500 ms exit timeout\\)").matcher(r.stderr());
      assertTrue(m.find(), r.stderr());
      assertTrue(Long.parseLong(m.group(1)) > 0, r.stderr());
      assertFalse(r.stderr().contains("nothing listening"), r.stderr());
      // the exit waited for the collector (connects may take 10 s), and not beyond its bound
      // (plus the JVM's own teardown, slow on a loaded host)
      assertTrue(exitMillis >= 1400 && exitMillis < 1500 + 2500, "exit took " + exitMillis
          + " ms\n" + r.stderr());
    }
  }

  /** One line, byte by byte (no buffering: the rest of the stream is drained later). */
  private static String readLine(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      sb.append((char) c);
    }
    return sb.toString();
  }


}
