package io.memspan.bench.ab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the child runs of an A/B session into its report: the median figures per workload and
 * configuration, then for every configuration against the baseline the median of per-round
 * paired ratios, its 95 % bootstrap interval and the {@link Verdict} that interval allows. A
 * function of the runs alone, so a saved session ({@link RawRuns}) reports the same again.
 */
public final class AbReport {
  /** The goal of the issue: at most 1 % cost at defaults. */
  public static final double TOLERANCE = 0.01;

  private final List<ChildRun> runs;
  private final List<String> workloads;
  private final List<String> modes;
  private final String baseline;

  /** {@code modes} in report order, the baseline first. */
  public AbReport(List<ChildRun> runs, List<String> workloads, List<String> modes) {
    this.runs = List.copyOf(runs);
    this.workloads = List.copyOf(workloads);
    this.modes = List.copyOf(modes);
    this.baseline = modes.get(0);
    for (ChildRun r : runs) {
      if (!workloads.contains(r.workload()) || !modes.contains(r.mode())) {
        throw new IllegalArgumentException("run of " + r.workload() + ", " + r.mode()
            + " outside workloads " + workloads + " and modes " + modes);
      }
    }
  }

  /** One row of the ratio table. */
  public record Row(String workload, String mode, Measure measure, int rounds, double medianRatio,
      PairedStats.Interval ci, String verdict) {}

  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String workload : workloads()) {
      for (String mode : modes()) {
        if (mode.equals(baseline)) {
          continue;
        }
        for (Measure m : Measure.values()) {
          Map<Integer, Double> base = roundMeans(workload, baseline, m);
          Map<Integer, Double> with = roundMeans(workload, mode, m);
          List<Integer> paired = base.keySet().stream().filter(with::containsKey).toList();
          if (paired.isEmpty()) {
            continue;
          }
          double[] a = paired.stream().mapToDouble(with::get).toArray();
          double[] b = paired.stream().mapToDouble(base::get).toArray();
          double[] ratios = PairedStats.ratios(a, b);
          PairedStats.Interval ci = PairedStats.ci95(ratios);
          rows.add(new Row(workload, mode, m, ratios.length, PairedStats.median(ratios), ci,
              Verdict.of(ci, ratios.length, TOLERANCE)));
        }
      }
    }
    return rows;
  }

  /** Markdown: the figures table, then the paired-ratio table. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("Medians over rounds (a round's figure is the mean of its runs of that cell):\n\n");
    out.append("| workload | mode | process wall s | process CPU s | first run wall ms "
        + "| first run CPU ms | steady run wall ms | steady run CPU ms | runs | same checksum |\n");
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (String workload : workloads()) {
      List<String> reference = checksums(workload, baseline);
      for (String mode : modes()) {
        List<String> sums = checksums(workload, mode);
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |%n",
            workload, mode,
            figure(workload, mode, Measure.PROCESS_WALL, 1e9, "%.2f"),
            figure(workload, mode, Measure.PROCESS_CPU, 1e9, "%.2f"),
            figure(workload, mode, Measure.FIRST_WALL, 1e6, "%.0f"),
            figure(workload, mode, Measure.FIRST_CPU, 1e6, "%.0f"),
            figure(workload, mode, Measure.STEADY_WALL, 1e6, "%.0f"),
            figure(workload, mode, Measure.STEADY_CPU, 1e6, "%.0f"),
            runsOf(workload, mode).size(),
            sums.size() == 1 && sums.equals(reference) ? "yes" : "NO " + sums));
      }
    }
    out.append("\nAgainst ").append(baseline).append(": median of per-round paired ratios, ")
        .append("95 % percentile-bootstrap interval over rounds (")
        .append(PairedStats.RESAMPLES).append(" resamples, seed ").append(PairedStats.DEFAULT_SEED)
        .append("):\n\n");
    out.append("| workload | mode | measure | rounds | median ratio | 95 % CI | verdict |\n");
    out.append("| --- | --- | --- | ---: | ---: | --- | --- |\n");
    for (Row r : rows()) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s to %s | %s |%n",
          r.workload(), r.mode(), r.measure().label(), r.rounds(), pct(r.medianRatio()),
          pct(r.ci().low()), pct(r.ci().high()), r.verdict()));
    }
    return out.toString();
  }

  private String figure(String workload, String mode, Measure m, double unit, String format) {
    double[] v = roundMeans(workload, mode, m).values().stream().mapToDouble(d -> d).toArray();
    return v.length == 0 ? "–" : String.format(Locale.ROOT, format, PairedStats.median(v) / unit);
  }

  /** Round → mean of the measure over that round's runs of the cell; rounds in order. */
  Map<Integer, Double> roundMeans(String workload, String mode, Measure m) {
    Map<Integer, List<Double>> byRound = new TreeMap<>();
    for (ChildRun r : runsOf(workload, mode)) {
      if (m.presentIn(r)) {
        byRound.computeIfAbsent(r.round(), k -> new ArrayList<>()).add(m.nanosOf(r));
      }
    }
    Map<Integer, Double> means = new LinkedHashMap<>();
    byRound.forEach((round, v) -> means.put(round,
        v.stream().mapToDouble(d -> d).average().orElseThrow()));
    return means;
  }

  private List<ChildRun> runsOf(String workload, String mode) {
    return runs.stream().filter(r -> r.workload().equals(workload) && r.mode().equals(mode)).toList();
  }

  private List<String> checksums(String workload, String mode) {
    return runsOf(workload, mode).stream().flatMap(r -> r.checksums().stream()).distinct().toList();
  }

  private List<String> workloads() {
    return workloads;
  }

  private List<String> modes() {
    return modes;
  }

  static String pct(double ratio) {
    return String.format(Locale.ROOT, "%+.1f %%", 100 * (ratio - 1));
  }
}
