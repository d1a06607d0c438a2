package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbReportTest {
  private static final String BASE = "no agent";
  private static final String AGENT = "agent, kernel=off";

  /** A run whose every figure is {@code scale} times the round's base figures. */
  private static ChildRun run(int round, int slot, String mode, double scale, String checksum) {
    long base = 1_000_000_000L + round * 10_000_000L; // the machine drifts from round to round
    long v = Math.round(base * scale);
    return new ChildRun(round, slot, "JsonOrders", mode, v, 2 * v, 0.5, List.of(
        new IterationLine(IterationLine.COLD, v / 2, v, checksum),
        new IterationLine(IterationLine.WARMUP, v / 4, v / 2, checksum),
        new IterationLine(IterationLine.STEADY, v / 5, v / 3, checksum),
        new IterationLine(IterationLine.STEADY, v / 6, v / 3, checksum),
        new IterationLine(IterationLine.STEADY, v / 7, v / 3, checksum)));
  }

  private static List<ChildRun> session(double[] agentScale, String agentChecksum) {
    List<ChildRun> runs = new ArrayList<>();
    for (int r = 0; r < agentScale.length; r++) {
      // ABBA: the round's two runs of a cell average to the scale.
      runs.add(run(r + 1, 0, BASE, 1.0, "c0ffee"));
      runs.add(run(r + 1, 1, AGENT, agentScale[r] - 0.001, agentChecksum));
      runs.add(run(r + 1, 2, AGENT, agentScale[r] + 0.001, agentChecksum));
      runs.add(run(r + 1, 3, BASE, 1.0, "c0ffee"));
    }
    return runs;
  }

  @Test
  void pairsEachRoundWithItsOwnBaselineForEveryMeasure() {
    double[] scale = {1.002, 0.998, 1.004, 1.000, 1.001, 0.999, 1.003};
    List<AbReport.Row> rows = new AbReport(session(scale, "c0ffee"), List.of("JsonOrders"),
        List.of(BASE, AGENT)).rows();
    assertEquals(Measure.values().length, rows.size());
    for (AbReport.Row r : rows) {
      assertEquals(7, r.rounds(), r.toString());
      assertEquals(1.001, r.medianRatio(), 2e-6, r.toString());
      assertTrue(r.ci().low() >= 0.998 - 2e-6 && r.ci().high() <= 1.004 + 2e-6, r.toString());
      assertEquals("within 1 %", r.verdict(), r.toString());
    }
  }

  @Test
  void aSpreadStraddlingTheGoalIsNotResolvedAndAClearCostIsCalledOne() {
    double[] noisy = {1.10, 0.92, 1.05, 0.97, 1.08, 0.95, 1.02};
    AbReport.Row r = new AbReport(session(noisy, "c0ffee"), List.of("JsonOrders"),
        List.of(BASE, AGENT)).rows().get(0);
    assertEquals(Measure.PROCESS_WALL, r.measure());
    assertTrue(r.verdict().startsWith("not resolved at this noise (CI ±"), r.verdict());

    double[] costly = {1.10, 1.12, 1.05, 1.07, 1.08, 1.06, 1.09};
    r = new AbReport(session(costly, "c0ffee"), List.of("JsonOrders"), List.of(BASE, AGENT))
        .rows().get(0);
    assertEquals("costs more than 1 %", r.verdict());
  }

  @Test
  void theMarkdownShowsFiguresRatiosAndAChangedChecksum() {
    double[] scale = {1.02, 1.03, 1.02, 1.04, 1.03};
    String md = new AbReport(session(scale, "bad"), List.of("JsonOrders"), List.of(BASE, AGENT))
        .markdown();
    // Base rounds are 1.01 … 1.05 s (median 1.03); the steady figure is the median of the steady
    // runs (v/6); the agent's rounds are 1.01·1.02, 1.02·1.03, 1.03·1.02, 1.04·1.04, 1.05·1.03 s.
    assertTrue(md.contains("| JsonOrders | no agent | 1.03 | 2.06 | 515 | 1030 | 172 | 343 | 10 | yes |"),
        md);
    assertTrue(md.contains("| JsonOrders | agent, kernel=off | 1.05 | 2.10 | 525 | 1051 | 175 | 350 | 10 "
        + "| NO [bad] |"), md);
    assertTrue(md.contains("| JsonOrders | agent, kernel=off | process wall | 5 | +3.0 % | "
        + "+2.0 % to +4.0 % | costs more than 1 % |"), md);
  }

  @Test
  void aSavedSessionReportsTheSameAgain(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.tsv");
    RawRuns.create(file, java.util.Map.of(RawRuns.WORKLOADS, "JsonOrders", RawRuns.MODES,
        BASE + "|" + AGENT));
    List<ChildRun> runs = session(new double[] {1.02, 0.99, 1.01, 1.00, 1.03}, "c0ffee");
    for (ChildRun r : runs) {
      RawRuns.append(file, r);
    }
    RawRuns.Session s = RawRuns.read(file);
    assertEquals(runs, s.runs());
    assertEquals(List.of(BASE, AGENT), s.modes());
    assertEquals(new AbReport(runs, List.of("JsonOrders"), List.of(BASE, AGENT)).markdown(),
        new AbReport(s.runs(), s.workloads(), s.modes()).markdown());
  }

  @Test
  void aFileThatIsNotASessionIsRejectedNamingTheProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("x.tsv");
    java.nio.file.Files.writeString(file, "# workloads: JsonOrders\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RawRuns.read(file));
    assertTrue(e.getMessage().contains("not an A/B session file"), e.getMessage());
  }

  @Test
  void iterationLinesRoundTripAndForeignLinesAreIgnored() {
    IterationLine it = new IterationLine(IterationLine.STEADY, 123, 456, "ab12");
    assertEquals(it, IterationLine.parse(it.format()));
    assertEquals(null, IterationLine.parse("memspan: kernel source bcc"));
    assertThrows(IllegalArgumentException.class, () -> new IterationLine("hot", 1, 1, "x"));
  }
}
