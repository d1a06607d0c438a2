package io.memspan.bench.ab;

import io.memspan.bench.agent.AgentModes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM's main in the whole-workload A/B: runs one workload once cold, then
 * {@code warmups} more times unreported as steady state, then {@code steady} times, and prints one
 * {@link IterationLine} per run. Every run must return the same checksum (the child fails
 * otherwise); the runner compares it across configurations.
 *
 * <p>Process CPU comes from {@code /proc/self/stat} (through {@link ProcessHandle}), so it has the
 * kernel's USER_HZ resolution (10 ms here): small against a run's seconds of CPU, and it is the same
 * quantization for every configuration.
 *
 * <p>After the steady runs it prints one {@link ThreadCpu} line: their CPU time by category of
 * thread ({@code CpuBreakdown} reads it; the A/B ignores it).
 *
 * <p>usage: WorkloadRunner JsonOrders|SqlOrders size|default warmups steady
 */
public final class WorkloadRunner {
  /** A workload: its size in, its checksum out. */
  interface Workload {
    long run(int size) throws Exception;
  }

  static final Map<String, Workload> WORKLOADS = Map.of(
      JsonOrders.class.getSimpleName(), JsonOrders::run,
      SqlOrders.class.getSimpleName(), SqlOrders::run,
      LuceneIndex.class.getSimpleName(), LuceneIndex::run);
  static final Map<String, Integer> DEFAULT_SIZES = Map.of(
      JsonOrders.class.getSimpleName(), JsonOrders.DEFAULT_ORDERS,
      SqlOrders.class.getSimpleName(), SqlOrders.DEFAULT_ROWS,
      LuceneIndex.class.getSimpleName(), LuceneIndex.DEFAULT_DOCS);

  /**
   * The workloads a harness runs unless told otherwise, in report order. {@link LuceneIndex} is
   * known by name ({@code --workloads LuceneIndex}); it joined later, and the A/B's earlier
   * results are comparable only over the same set.
   */
  static final List<String> NAMES =
      List.of(JsonOrders.class.getSimpleName(), SqlOrders.class.getSimpleName());

  /** Every workload known by name, for the error that names an unknown one. */
  static final List<String> KNOWN = List.of(JsonOrders.class.getSimpleName(),
      SqlOrders.class.getSimpleName(), LuceneIndex.class.getSimpleName());

  private WorkloadRunner() {}

  /** {@code requested} (all when null), each checked to name a workload. */
  static List<String> chosen(List<String> requested) {
    if (requested == null) {
      return NAMES;
    }
    for (String w : requested) {
      if (!WORKLOADS.containsKey(w)) {
        throw new IllegalArgumentException("--workloads: unknown workload '" + w + "', expected "
            + String.join(" or ", KNOWN));
      }
    }
    return List.copyOf(requested);
  }

  /** The command of a child JVM that runs {@code workload} with these agent arguments. */
  static List<String> command(List<String> agentArgs, String workload, String size, int warmups,
      int steady) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AgentModes.baseJvmArgs());
    cmd.addAll(agentArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        WorkloadRunner.class.getName(), workload, size, String.valueOf(warmups),
        String.valueOf(steady)));
    return cmd;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !WORKLOADS.containsKey(args[0])) {
      throw new IllegalArgumentException("usage: WorkloadRunner " + String.join("|",
          WORKLOADS.keySet()) + " size|default warmups steady; got " + String.join(" ", args));
    }
    Workload workload = WORKLOADS.get(args[0]);
    int size = size(args[0], args[1]);
    int warmups = nonNegative(args[2], "warmups");
    int steady = nonNegative(args[3], "steady");
    String first = null;
    ThreadCpu steadyStart = null;
    for (int i = 0; i < 1 + warmups + steady; i++) {
      if (i == 1 + warmups) {
        steadyStart = ThreadCpu.now();
      }
      String phase = i == 0 ? IterationLine.COLD
          : i <= warmups ? IterationLine.WARMUP : IterationLine.STEADY;
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      long checksum = workload.run(size);
      long wall = System.nanoTime() - t0;
      long cpu = processCpuNanos() - cpu0;
      String sum = Long.toHexString(checksum);
      if (first != null && !first.equals(sum)) {
        throw new IllegalStateException(args[0] + " run " + (i + 1) + " returned checksum " + sum
            + ", the first run " + first);
      }
      first = sum;
      System.out.println(new IterationLine(phase, wall, cpu, sum).format());
    }
    if (steadyStart != null) {
      // who spent the steady runs' CPU: the application, the JIT, the GC or the agent
      System.out.println(ThreadCpu.format(steadyStart.until(ThreadCpu.now())));
    }
  }

  /** A child's size argument: {@code default} (the workload's own) or a positive number. */
  static int size(String workload, String arg) {
    return arg.equals("default") ? DEFAULT_SIZES.get(workload) : Workloads.positive(arg, "size");
  }

  static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("no process CPU time on this platform"))
        .toNanos();
  }

  private static int nonNegative(String arg, String what) {
    try {
      int n = Integer.parseInt(arg);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error naming the argument
    }
    throw new IllegalArgumentException(what + " must be 0 or more, got '" + arg + "'");
  }
}
