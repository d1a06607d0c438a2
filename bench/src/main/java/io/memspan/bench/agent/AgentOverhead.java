package io.memspan.bench.agent;

import io.memspan.bench.ab.PairedStats;
import io.memspan.bench.ab.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@link CollectionGrowthBench} without the agent and with it in each kernel mode, in rounds: each
 * round runs every configuration once, in a seeded random order, so load drifts hit them alike.
 * Each round gives each benchmark one paired cost ratio per configuration (no agent's throughput
 * over the configuration's, so above 1 is slower), and the table reports the median ratio with a
 * bootstrap 95 % interval and what it may claim about the 1 % goal (the whole-workload A/B's
 * {@link PairedStats} and {@link Verdict}). Spans are not exported
 * ({@code otel.traces.exporter=none}): this measures the application-side cost.
 *
 * <p>{@code java [-Dbench.warmups=3 -Dbench.iterations=5 -Dbench.seconds=2] -cp
 * bench/target/memspan-bench.jar io.memspan.bench.agent.AgentOverhead
 * agent/target/memspan-agent.jar [rounds [kernels [benchmark regex]]]}; kernels default to
 * {@code auto,off,rusage,bcc} ({@code auto} is the agent's default).
 */
public final class AgentOverhead {
  private static final double GOAL = 0.01;

  private AgentOverhead() {}

  public static void main(String[] args) throws Exception {
    Path agent = AgentModes.agentJar(args.length > 0 ? args[0] : "agent/target/memspan-agent.jar");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    // auto is the default (bcc where the doctor says ready, as on a CI host): the issue's
    // "defaults" row; the others name each source.
    List<String> kernels = args.length > 2 ? List.of(args[2].split(","))
        : List.of("auto", "off", "rusage", "bcc");
    String include = args.length > 3 ? args[3] : CollectionGrowthBench.class.getName();
    Map<String, List<String>> configs =
        AgentModes.kernelModes(agent, "instrument=premain", kernels);
    int warmups = Integer.getInteger("bench.warmups", 3);
    int iterations = Integer.getInteger("bench.iterations", 5);
    int seconds = Integer.getInteger("bench.seconds", 2);

    // benchmark -> configuration -> score per round
    Map<String, Map<String, double[]>> scores = new LinkedHashMap<>();
    Random order = new Random(PairedStats.DEFAULT_SEED);
    for (int round = 0; round < rounds; round++) {
      List<String> names = new ArrayList<>(configs.keySet());
      Collections.shuffle(names, order);
      for (String name : names) {
        List<String> jvm = AgentModes.baseJvmArgs();
        jvm.addAll(configs.get(name));
        Options opts = new OptionsBuilder()
            .include(include)
            .jvmArgsAppend(jvm.toArray(new String[0]))
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .verbosity(VerboseMode.SILENT)
            .build();
        Collection<RunResult> results = new Runner(opts).run();
        for (RunResult r : results) {
          String bench = r.getParams().getBenchmark();
          bench = bench.substring(bench.lastIndexOf('.') + 1);
          scores.computeIfAbsent(bench, k -> new LinkedHashMap<>())
              .computeIfAbsent(name, k -> new double[rounds])[round] =
              r.getPrimaryResult().getScore();
        }
        System.err.println("round " + (round + 1) + ": " + name + " done");
      }
    }
    System.out.println("| benchmark | configuration | ops/s (median of " + rounds
        + " rounds) | cost vs no agent (median of paired ratios) | 95 % CI | verdict (goal ≤ 1 %) |");
    System.out.println("| --- | --- | ---: | ---: | --- | --- |");
    for (Map.Entry<String, Map<String, double[]>> b : scores.entrySet()) {
      double[] base = b.getValue().get(AgentModes.NO_AGENT);
      for (String name : configs.keySet()) {
        double[] s = b.getValue().get(name);
        if (s == null) {
          continue;
        }
        if (name.equals(AgentModes.NO_AGENT)) {
          System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f | | | |",
              b.getKey(), name, PairedStats.median(s)));
          continue;
        }
        // time-like: no agent's throughput over the configuration's (above 1 = slower)
        double[] cost = PairedStats.ratios(base, s);
        PairedStats.Interval ci = PairedStats.ci95(cost);
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f | %+.1f %% | %+.1f to %+.1f %% | %s |",
            b.getKey(), name, PairedStats.median(s), 100 * (PairedStats.median(cost) - 1),
            100 * (ci.low() - 1), 100 * (ci.high() - 1), Verdict.of(ci, rounds, GOAL)));
      }
    }
  }
}
