package io.memspan.bench.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@link CollectionGrowthBench} without the agent and with it in each kernel mode, interleaved
 * in one session (rounds alternate the configurations so load drifts hit them alike), then a
 * table of throughput relative to no agent. Spans are not exported
 * ({@code otel.traces.exporter=none}): this measures the application-side cost.
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.agent.AgentOverhead
 * agent/target/memspan-agent.jar [rounds [kernels [benchmark regex]]]}; kernels default to
 * {@code auto,off,rusage,bcc} ({@code auto} is the agent's default).
 */
public final class AgentOverhead {
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

    Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, List<String>> c : configs.entrySet()) {
        List<String> jvm = AgentModes.baseJvmArgs();
        jvm.addAll(c.getValue());
        Options opts = new OptionsBuilder()
            .include(include)
            .jvmArgsAppend(jvm.toArray(new String[0]))
            .verbosity(VerboseMode.SILENT)
            .build();
        Collection<RunResult> results = new Runner(opts).run();
        for (RunResult r : results) {
          String bench = r.getParams().getBenchmark();
          bench = bench.substring(bench.lastIndexOf('.') + 1);
          scores.computeIfAbsent(bench, k -> new LinkedHashMap<>())
              .computeIfAbsent(c.getKey(), k -> new ArrayList<>())
              .add(r.getPrimaryResult().getScore());
        }
        System.err.println("round " + (round + 1) + ": " + c.getKey() + " done");
      }
    }
    System.out.println("| benchmark | configuration | ops/s (mean of rounds) | vs no agent |");
    System.out.println("| --- | --- | ---: | ---: |");
    for (Map.Entry<String, Map<String, List<Double>>> b : scores.entrySet()) {
      double base = mean(b.getValue().get(AgentModes.NO_AGENT));
      for (Map.Entry<String, List<Double>> c : b.getValue().entrySet()) {
        double m = mean(c.getValue());
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f | %+.1f %% |",
            b.getKey(), c.getKey(), m, 100 * (m / base - 1)));
      }
    }
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
