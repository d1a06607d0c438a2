package io.memspan.bench.ab;

import io.memspan.bench.agent.AgentModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole workloads built from libraries nobody here wrote ({@link JsonOrders}: Jackson;
 * {@link SqlOrders}: H2), each run in a fresh child JVM without the agent and with it, A/B
 * interleaved in one session: every round runs every workload in every mode, the mode order
 * reversing each round, so load drifts on a shared machine hit the modes alike. Reports the
 * median wall time per mode, its ratio to no agent, and whether every run printed the same
 * checksum (the agent must never change a result).
 *
 * <p>Modes: the agent at its defaults with {@code kernel=off} (no kernel source: the probes,
 * recorder and start-up alone), {@code kernel=rusage} (what {@code kernel=auto} picks without
 * eBPF), and, when running as root, {@code kernel=bcc} (auto here) reported separately.
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.ab.WholeWorkloadAB
 * agent/target/memspan-agent.jar [rounds] [size]}
 */
public final class WholeWorkloadAB {
  private static final List<Class<?>> WORKLOADS = List.of(JsonOrders.class, SqlOrders.class);

  private WholeWorkloadAB() {}

  public static void main(String[] args) throws Exception {
    Path agent = AgentModes.agentJar(args.length > 0 ? args[0] : "agent/target/memspan-agent.jar");
    int rounds = args.length > 1 ? Workloads.positive(args[1], "rounds") : 5;
    // One size for both (orders for JsonOrders, order rows for SqlOrders); default: theirs.
    List<String> size = args.length > 2
        ? List.of(String.valueOf(Workloads.positive(args[2], "size"))) : List.of();
    // off: the agent's own cost with no kernel source at all; rusage: what auto picks without
    // eBPF; bcc: what auto picks here (root), reported separately as the issue asks.
    List<String> kernels = isRoot() ? List.of("off", "rusage", "bcc") : List.of("off", "rusage");
    Map<String, List<String>> modes = AgentModes.kernelModes(agent, "", kernels);

    String loadBefore = loadAverage();
    Map<String, Map<String, Runs>> results = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      List<Map.Entry<String, List<String>>> order = new ArrayList<>(modes.entrySet());
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (Class<?> workload : WORKLOADS) {
        for (Map.Entry<String, List<String>> mode : order) {
          ChildRun run = ChildRun.of(workload, mode.getValue(), size);
          results.computeIfAbsent(workload.getSimpleName(), k -> new LinkedHashMap<>())
              .computeIfAbsent(mode.getKey(), k -> new Runs()).add(run);
          System.err.printf(Locale.ROOT, "round %d: %s, %s: %.2f s (workload %.0f ms)%n",
              round + 1, workload.getSimpleName(), mode.getKey(), run.wallSeconds, run.workloadMillis);
        }
      }
    }

    System.out.println("load average before: " + loadBefore + "; after: " + loadAverage()
        + "; " + Runtime.getRuntime().availableProcessors() + " cores; " + rounds + " rounds; "
        + "size " + (size.isEmpty() ? "default" : size.get(0)) + "; "
        + "JDK " + Runtime.version().feature());
    System.out.println();
    System.out.println("| workload | mode | median wall s | median workload ms | wall vs no agent "
        + "| workload vs no agent | same checksum |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | --- |");
    for (Map.Entry<String, Map<String, Runs>> w : results.entrySet()) {
      Runs base = w.getValue().get(AgentModes.NO_AGENT);
      for (Map.Entry<String, Runs> m : w.getValue().entrySet()) {
        Runs r = m.getValue();
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %.2f | %.0f | %+.1f %% | %+.1f %% | %s |",
            w.getKey(), m.getKey(), r.medianWall(), r.medianWorkload(),
            100 * (r.medianWall() / base.medianWall() - 1),
            100 * (r.medianWorkload() / base.medianWorkload() - 1),
            r.checksums().equals(base.checksums().subList(0, 1)) ? "yes" : "NO " + r.checksums()));
      }
    }
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1].equals("0");
      }
    }
    return false;
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  /** Every run of one workload in one mode. */
  private static final class Runs {
    private final List<ChildRun> runs = new ArrayList<>();

    void add(ChildRun r) {
      runs.add(r);
    }

    double medianWall() {
      return median(runs.stream().mapToDouble(r -> r.wallSeconds).sorted().toArray());
    }

    double medianWorkload() {
      return median(runs.stream().mapToDouble(r -> r.workloadMillis).sorted().toArray());
    }

    List<String> checksums() {
      return runs.stream().map(r -> r.checksum).distinct().toList();
    }

    private static double median(double[] sorted) {
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
  }

  /** One child JVM running one workload main on this class path; fails loudly if it fails. */
  private static final class ChildRun {
    final double wallSeconds;
    final double workloadMillis;
    final String checksum;

    private ChildRun(double wallSeconds, double workloadMillis, String checksum) {
      this.wallSeconds = wallSeconds;
      this.workloadMillis = workloadMillis;
      this.checksum = checksum;
    }

    static ChildRun of(Class<?> workload, List<String> agentArgs, List<String> size)
        throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(AgentModes.baseJvmArgs());
      cmd.addAll(agentArgs);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), workload.getName()));
      cmd.addAll(size);
      Path err = Files.createTempFile("memspan-ab-", ".stderr");
      try {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        String checksum = field(out, Workloads.CHECKSUM);
        String elapsed = field(out, Workloads.ELAPSED);
        if (exit != 0 || checksum == null || elapsed == null) {
          throw new IllegalStateException(workload.getSimpleName() + " exited " + exit + " with "
              + agentArgs + "\nstdout:\n" + out + "\nstderr:\n" + Files.readString(err));
        }
        return new ChildRun(wall, Double.parseDouble(elapsed), checksum);
      } finally {
        Files.deleteIfExists(err);
      }
    }

    private static String field(String out, String label) {
      for (String line : out.split("\n")) {
        int at = line.indexOf(label);
        if (at >= 0) {
          return line.substring(at + label.length()).trim();
        }
      }
      return null;
    }
  }
}
