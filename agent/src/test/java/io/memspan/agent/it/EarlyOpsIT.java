package io.memspan.agent.it;

import static io.memspan.agent.it.Spans.num;
import static io.memspan.agent.it.Spans.str;
import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.bpf.BpfRequirement;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel source starts in the background, after premain: ops before it is ready are recorded
 * and counted like any other, without faults or syscalls (source "none"); ops after carry them.
 */
class EarlyOpsIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void opsBeforeTheProbeIsReadyAreCountedButNotAttributed() throws Exception {
    BpfRequirement.assumeAvailable();
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          // the compile cache off: libbcc compiles for seconds, so the first list surely grows
          // before the probe is attached
          .agent("instrument=premain,kernel=bcc,kernel.cache=off,sample.rate=1,"
              + "spans.per.second=1000000,otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, "io.memspan.itapp.Workload", "early").assertExitedNormally();
      assertTrue(r.stdout().contains("early size=100000 source then=null late size=100000 "
          + "source now=bcc"), r.stdout() + r.stderr());
      int earlyLine = Markers.line("early-add");
      int lateLine = Markers.line("late-add");
      List<Span> grows = rx.spans().stream()
          .filter(s -> s.getName().equals("ArrayList.grow")).toList();
      List<Span> early = grows.stream().filter(s -> num(s, "code.line.number") == earlyLine)
          .toList();
      List<Span> late = grows.stream().filter(s -> num(s, "code.line.number") == lateLine)
          .toList();
      // 10 by 1.5x to 100,000: the growths to 4096 and beyond
      int armed = 0;
      for (long cap = 10; cap < 100_000; cap += cap >> 1) {
        if (cap + (cap >> 1) >= 4096) {
          armed++;
        }
      }
      assertEquals(armed, early.size(), r.stderr());
      assertEquals(armed, late.size(), r.stderr());
      for (Span s : early) {
        assertEquals("none", str(s, "memspan.kernel.source"), s.toString());
        assertFalse(s.getAttributesList().stream()
            .anyMatch(kv -> kv.getKey().equals("memspan.page_faults")), s.toString());
      }
      for (Span s : late) {
        assertEquals("bcc", str(s, "memspan.kernel.source"), s.toString());
        assertTrue(s.getAttributesList().stream()
            .anyMatch(kv -> kv.getKey().equals("memspan.page_faults")), s.toString());
      }
      // both lists' ops counted (and whatever else grew an ArrayList past 4096)
      Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), WAIT);
      assertTrue(sum(ops, Map.of("memspan.structure.type", "ArrayList"))
          >= 2L * armed, ops.toString());
    }
  }
}
