package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.account.ExitReport;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.export.MetricSource;
import io.memspan.agent.export.Telemetry;
import io.memspan.agent.op.Advice;
import io.memspan.agent.op.Op;
import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.MemoryProbes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With span export off ({@code otel.traces.exporter=none}) the poller counts every op and feeds
 * the advisor, but builds and queues no span, and reports no loss: nothing was meant to leave.
 */
class PollerSpanExportTest {

  /** A telemetry without a traces exporter, as the SDK-backed one is then: refuses every op. */
  static final class MetricsOnlyTelemetry implements Telemetry {
    final List<Object> offered = new ArrayList<>();

    @Override public boolean exportsSpans() {
      return false;
    }

    @Override public synchronized boolean emit(Op op) {
      offered.add(op);
      return false;
    }

    @Override public synchronized void emitAdvice(List<Advice> a) {
      offered.addAll(a);
    }

    @Override public void register(MetricSource source) { }

    @Override public void close() { }
  }

  private final AgentMetrics metrics = new AgentMetrics();
  private final Recorder recorder = new Recorder(new ThreadGroup("memspan-test"), 1_000_000,
      1.0, 1_000_000, 64);
  private final Poller poller = new Poller(recorder, metrics, new Advisor(16, 64), null, 0L);

  PollerSpanExportTest() {
    recorder.useProbe(MemoryProbes.none());
  }

  private void growFiftyLists() {
    for (int i = 0; i < 50; i++) {
      ArrayList<Object> list = new ArrayList<>();
      recorder.end(recorder.begin(Kinds.ARRAY_LIST, list, null, 6000, 6000), null, 9000);
      if (i % 10 == 9) {
        poller.cycle(); // rings of 64: drained as the poller would
      }
    }
  }

  @Test
  void keptOpsAreCountedButNeverOfferedAsSpans() {
    MetricsOnlyTelemetry t = new MetricsOnlyTelemetry();
    poller.useTelemetry(t);
    growFiftyLists();
    poller.stopAndFlush(0);

    assertEquals(50, metrics.ops("ArrayList", true), "sample rate 1: every op kept");
    assertEquals(List.of(), t.offered, "no span built for an exporter that sends none");
    assertEquals(0, metrics.spansRejectedByExporter.get());
    assertFalse(poller.exportsSpans());
    assertEquals("memspan: span export off (otel.traces.exporter=none): 50 ops counted, "
        + "50 kept (no spans sent)", ExitReport.line(metrics, "otel.traces.exporter=none"));
  }

  @Test
  void opsHeldBeforeTheExporterStartedAreLetGoWithoutLoss() {
    growFiftyLists(); // no telemetry yet: kept ops wait for it
    poller.withoutSpanExport(); // then it turns out there is none
    poller.stopAndFlush(0);

    assertEquals(50, metrics.opsCounted());
    assertEquals(0, metrics.spansRejectedByExporter.get());
    assertEquals(null, ExitReport.line(metrics, null), "nothing lost");
  }

  /** Spans-per-second cap of 3, every op kept by the sample rate. */
  private final Recorder capped = new Recorder(new ThreadGroup("memspan-test"), 1_000_000, 1.0, 3,
      64);
  private final Poller cappedPoller = new Poller(capped, metrics, new Advisor(16, 64), null, 0L);

  private void growTenLists() {
    capped.useProbe(MemoryProbes.none());
    for (int i = 0; i < 10; i++) {
      capped.end(capped.begin(Kinds.ARRAY_LIST, new ArrayList<>(), null, 6000, 6000), null, 9000);
    }
  }

  @Test
  void withSpanExportOffNothingIsOverTheSpanCap() {
    cappedPoller.useTelemetry(new MetricsOnlyTelemetry());
    growTenLists();
    cappedPoller.stopAndFlush(0);

    assertEquals(10, metrics.ops("ArrayList", true), "kept for the metrics and the advice");
    assertEquals(0, metrics.ops("ArrayList", false));
    assertEquals(0, metrics.opsDroppedSpanCap.get(), "no span, so none over the cap");
    assertEquals("memspan: span export off (otel.traces.exporter=none): 10 ops counted, "
        + "10 kept (no spans sent)", ExitReport.line(metrics, "otel.traces.exporter=none"));
  }

  @Test
  void opsCappedBeforeSpanExportTurnedOutOffWereNotCapped() {
    growTenLists(); // the exporter not started yet: 3 kept, 7 over the cap of 3 per second
    cappedPoller.withoutSpanExport(); // then it turns out no span will be sent
    cappedPoller.stopAndFlush(0);

    assertEquals(10, metrics.ops("ArrayList", true));
    assertEquals(0, metrics.opsDroppedSpanCap.get());
    assertEquals(null, ExitReport.line(metrics, null), "nothing lost");
  }

  @Test
  void withSpanExportOnTheCapStillApplies() {
    RecorderTest.CapturingTelemetry t = new RecorderTest.CapturingTelemetry();
    cappedPoller.useTelemetry(t);
    growTenLists();
    cappedPoller.stopAndFlush(0);

    assertEquals(3, t.ops.size());
    assertEquals(7, metrics.opsDroppedSpanCap.get());
    assertEquals(3, metrics.ops("ArrayList", true));
    assertEquals(7, metrics.ops("ArrayList", false));
    assertEquals("memspan: not exported: 7 ops over the span cap, 0 ops on full op rings, "
        + "0 spans refused by the exporter; 0 kernel records lost", ExitReport.line(metrics, null));
  }
}
