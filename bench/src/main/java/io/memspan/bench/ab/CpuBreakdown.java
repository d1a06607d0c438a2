package io.memspan.bench.ab;

import io.memspan.bench.ab.ThreadCpu.Category;
import io.memspan.bench.agent.AgentModes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Who spends a workload's steady-state CPU, with and without the agent: each child JVM runs the
 * workload (cold, warm-ups, steady runs, as in the A/B) and reports the steady runs' CPU by
 * category of thread ({@link ThreadCpu}). Per-thread CPU time is far less disturbed by other load
 * than wall time, and it says where a difference comes from: the application's own threads (hooks,
 * changed inlining), the JIT (recompiling woven methods, or warming up later), the GC, or the
 * agent's threads (poller, exporter), which are the agent's cost in steady state by definition.
 * Children run in a seeded random order per round.
 */
@Command(name = "CpuBreakdown", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Steady-state CPU of whole workloads by category of thread, with and without"
        + " the memspan agent.")
public final class CpuBreakdown implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", defaultValue = "agent/target/memspan-agent.jar",
      description = "the agent jar under test (default: ${DEFAULT-VALUE})")
  String agentJar;

  @Parameters(index = "1", arity = "0..1", defaultValue = "5",
      description = "rounds: children per workload and configuration (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--warmups", defaultValue = "6",
      description = "unreported runs after the cold one (default: ${DEFAULT-VALUE})")
  int warmups;

  @Option(names = "--steady", defaultValue = "6",
      description = "runs whose CPU is broken down (default: ${DEFAULT-VALUE})")
  int steady;

  @Option(names = "--kernels", split = ",", defaultValue = "off,auto",
      description = "agent kernel modes (default: ${DEFAULT-VALUE})")
  List<String> kernels;

  @Option(names = "--mode", paramLabel = "NAME=OPTIONS", mapFallbackValue = "",
      description = "an agent configuration of its own (options as agent arguments)")
  Map<String, String> namedModes = new LinkedHashMap<>();

  @Option(names = "--workloads", split = ",", description = "default: all")
  List<String> workloads;

  @Option(names = "--seed", defaultValue = "20261121")
  long seed;

  public static void main(String[] args) {
    System.exit(HarnessCommand.execute(new CpuBreakdown(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || warmups < 0 || steady < 1) {
      throw new IllegalArgumentException("rounds and --steady must be at least 1, --warmups 0 or more");
    }
    Path agent = AgentModes.agentJar(agentJar);
    Map<String, List<String>> modes = AgentModes.kernelModes(agent, "", kernels);
    modes.putAll(AgentModes.namedModes(agent, namedModes));
    List<String> run = WorkloadRunner.chosen(workloads);
    List<String[]> cells = new ArrayList<>();
    for (String w : run) {
      for (String m : modes.keySet()) {
        cells.add(new String[] {w, m});
      }
    }
    Map<String, List<Map<Category, Long>>> results = new LinkedHashMap<>();
    RoundSchedule<String[]> schedule = new RoundSchedule<>(cells, seed);
    for (int round = 1; round <= rounds; round++) {
      // one pass of the mirrored round is enough here: each child is measured on its own
      List<String[]> order = schedule.nextRound().subList(0, cells.size());
      for (String[] c : order) {
        Map<Category, Long> cpu = child(c[0], modes.get(c[1]));
        results.computeIfAbsent(c[0] + "\t" + c[1], k -> new ArrayList<>()).add(cpu);
        System.err.printf(Locale.ROOT, "round %d: %s, %s: %s%n", round, c[0], c[1], cpu);
      }
    }
    System.out.print(report(run, List.copyOf(modes.keySet()), results, rounds, warmups, steady));
    return 0;
  }

  private Map<Category, Long> child(String workload, List<String> agentArgs) throws Exception {
    List<String> cmd = WorkloadRunner.command(agentArgs, workload, "default", warmups, steady);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    for (String line : out.split("\n")) {
      Map<Category, Long> cpu = ThreadCpu.parse(line);
      if (cpu != null && exit == 0) {
        return cpu;
      }
    }
    throw new IllegalStateException(workload + " with " + agentArgs + " exited " + exit
        + " without a cpu line:\n" + out);
  }

  /** Medians over children, in ms of CPU for all steady runs together, and the agent's share. */
  static String report(List<String> workloads, List<String> modes,
      Map<String, List<Map<Category, Long>>> results, int rounds, int warmups, int steady) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d children per cell; each 1 cold + %d warm-up + %d steady"
        + " runs; CPU of the %d steady runs together, median over children (ms)%n", rounds,
        warmups, steady, steady));
    for (String w : workloads) {
      sb.append(String.format(Locale.ROOT, "%n%s%n%n| configuration | process |", w));
      for (Category c : Category.values()) {
        sb.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append(" |");
      }
      sb.append(" agent threads, % of process |\n| --- | ---: |");
      for (int i = 0; i < Category.values().length; i++) {
        sb.append(" ---: |");
      }
      sb.append(" ---: |\n");
      for (String m : modes) {
        List<Map<Category, Long>> rows = results.getOrDefault(w + "\t" + m, List.of());
        if (rows.isEmpty()) {
          continue;
        }
        double[] process = new double[rows.size()];
        double[] share = new double[rows.size()];
        Map<Category, double[]> per = new EnumMap<>(Category.class);
        for (int i = 0; i < rows.size(); i++) {
          long total = rows.get(i).values().stream().mapToLong(Long::longValue).sum();
          process[i] = total / 1e6;
          share[i] = total == 0 ? 0 : 100.0 * rows.get(i).get(Category.AGENT) / total;
          for (Category c : Category.values()) {
            per.computeIfAbsent(c, k -> new double[rows.size()])[i] = rows.get(i).get(c) / 1e6;
          }
        }
        sb.append(String.format(Locale.ROOT, "| %s | %.0f |", m, PairedStats.median(process)));
        for (Category c : Category.values()) {
          sb.append(String.format(Locale.ROOT, " %.0f |", PairedStats.median(per.get(c))));
        }
        sb.append(String.format(Locale.ROOT, " %.2f %% |%n", PairedStats.median(share)));
      }
    }
    return sb.toString();
  }
}
