package io.memspan.bench.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent's start cost and footprint: time from launching {@code java} to {@code main}, how
 * long premain itself took, and heap and RSS a few seconds in (after the background start:
 * probes inlined, exporter up, eBPF compiled and its module destroyed). Runs are interleaved
 * (no agent, then agent) so load drifts hit both alike.
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.agent.StartCost
 * agent/target/memspan-agent.jar [runs]}
 */
public final class StartCost {
  private StartCost() {}

  /** The child: reports when main started and, after settling, its footprint. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      long mainMillis = System.currentTimeMillis();
      Thread.sleep(Long.parseLong(args[0]));
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long heap = rt.totalMemory() - rt.freeMemory();
      long rssKb = 0;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      System.out.println(mainMillis + " " + heap + " " + rssKb + " "
          + System.getProperty("memspan.premain.micros", "-1"));
    }
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/memspan-agent.jar");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[][] configs = {
      {},
      {"-javaagent:" + agent.toAbsolutePath()
          + "=otel.traces.exporter=none,otel.metrics.exporter=none"},
    };
    String[] names = {"no agent", "agent (defaults, background start)"};
    List<List<long[]>> results = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
    for (int run = 0; run < runs; run++) {
      for (int c = 0; c < configs.length; c++) {
        results.get(c).add(launch(configs[c]));
      }
    }
    System.out.println("| configuration | time to main ms (median) | premain ms (median) "
        + "| heap after GC MiB | RSS MiB |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (int c = 0; c < configs.length; c++) {
      List<long[]> r = results.get(c);
      System.out.println(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f |", names[c],
          median(r, 0), c == 0 ? "-" : String.format(Locale.ROOT, "%.1f", median(r, 3) / 1000.0),
          median(r, 1) / 1048576.0, median(r, 2) / 1024.0));
    }
  }

  private static long[] launch(String[] agentArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of(agentArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
        "5000"));
    long launched = System.currentTimeMillis();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("child failed: " + out);
    }
    String[] f = out.split(" ");
    return new long[] {Long.parseLong(f[0]) - launched, Long.parseLong(f[1]),
        Long.parseLong(f[2]), Long.parseLong(f[3])};
  }

  private static long median(List<long[]> rows, int col) {
    long[] v = rows.stream().mapToLong(r -> r[col]).sorted().toArray();
    return v[v.length / 2];
  }
}
