package io.memspan.bench.agent;

import io.memspan.bench.ab.HarnessCommand;
import io.memspan.bench.ab.PairedStats;
import io.memspan.bench.export.SinkServer;
import io.memspan.bpf.ProgramRunTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the agent's own threads cost at its defaults (bcc when the host allows it, spans and
 * metrics exported over OTLP/HTTP to a local sink), thread by thread: CPU time and wake-ups per
 * second, read from outside the child ({@code /proc/<pid>/task/<tid>/schedstat}, ns on CPU, and
 * {@code voluntary_ctxt_switches}) over a window after start-up has settled. A scenario is an
 * application that only sleeps ({@code idle}) or a workload run over and over. Two agent jars
 * (before and after a change) alternate child by child, A B B A ..., so both see the same host.
 *
 * <p>Per-thread CPU is the agent's cost measured directly, not as a difference of two noisy
 * wholes: the application's threads are not in it (their share is counted in instructions, see
 * {@code main-thread-instructions.sh}). Neither is the bcc programs' time, which the kernel spends
 * in the faulting or calling thread on every page fault and memory syscall: with
 * {@code --program-stats} (root) the harness holds the kernel's program statistics on
 * ({@link ProgramRunTime}) and reports that time from the kernel's own clock. The programs run for
 * every process on the host (the fault programs leave early for others): their runs are the
 * host's, set beside the child's faults, and charging all of them to the child is an upper bound.
 */
@Command(name = "AgentThreadCost", mixinStandardHelpOptions = true, sortOptions = false,
    description = "CPU and wake-ups per second of the agent's own threads, idle and under"
        + " workloads, for one or two agent jars side by side.")
public final class AgentThreadCost implements Callable<Integer> {
  private static final String FAULTS = "page faults/s";
  /** The child's fault programs: [ms/s run, runs/s], as the kernel times them. */
  private static final String FAULT_PROGRAMS = "fault programs";
  /** The child's syscall programs (enter and exit): [ms/s run, runs/s]. */
  private static final String SYSCALL_PROGRAMS = "syscall programs";
  private static final List<String> TOTALS = List.of("agent threads", "process (live threads)",
      FAULTS, FAULT_PROGRAMS, SYSCALL_PROGRAMS);
  /** Thread names (as comm shows them, 15 characters) that belong to the agent. */
  private static final List<String> AGENT_THREADS = List.of("memspan-", "BatchSpanProces",
      "PeriodicMetricR", "JNA Cleaner");

  @Parameters(arity = "1..2", paramLabel = "AGENT_JAR",
      description = "agent jar A and, to compare, jar B")
  List<String> jars;

  @Option(names = "--scenarios", split = ",", defaultValue = "idle,JsonOrders,LuceneIndex",
      description = "idle and/or workload names (default: ${DEFAULT-VALUE})")
  List<String> scenarios;

  @Option(names = "--rounds", defaultValue = "3", description = "children per jar and scenario")
  int rounds;

  @Option(names = "--settle", defaultValue = "20",
      description = "seconds after the child starts before the window opens")
  int settleSeconds;

  @Option(names = "--window", defaultValue = "30", description = "seconds measured")
  int windowSeconds;

  @Option(names = "--program-stats", description = "as root, hold the kernel's eBPF statistics on"
      + " and report the time of the child's bcc programs (this adds two clock reads to every run"
      + " of every program on the host)")
  boolean programStatsWanted;

  public static void main(String[] args) {
    System.exit(HarnessCommand.execute(new AgentThreadCost(), args));
  }

  /** The child of the idle scenario: an application that sleeps until it is killed. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** One thread's CPU ns and voluntary context switches (its wake-ups) at one moment. */
  record Sample(String name, long cpuNanos, long wakeUps) {}

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || settleSeconds < 0 || windowSeconds < 1) {
      throw new IllegalArgumentException("--rounds and --window must be at least 1");
    }
    List<Path> agents = new ArrayList<>();
    for (String j : jars) {
      agents.add(AgentModes.agentJar(j));
    }
    ProgramRunTime programStats = null;
    if (programStatsWanted) {
      try {
        programStats = ProgramRunTime.enable();
      } catch (IOException | LinkageError e) {
        throw new IllegalArgumentException("--program-stats: " + e.getMessage(), e);
      }
    }
    try (SinkServer.Forked sink = SinkServer.fork("http")) {
      String endpoint = "http://127.0.0.1:" + sink.port();
      for (String scenario : scenarios) {
        // per jar: thread name -> per-round [cpu ms/s, wake-ups/s]; "agent" and "process" totals
        List<Map<String, List<double[]>>> byJar = new ArrayList<>();
        for (int a = 0; a < agents.size(); a++) {
          byJar.add(new TreeMap<>());
        }
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < agents.size(); k++) {
            int a = (r % 2 == 0) ? k : agents.size() - 1 - k; // A B, then B A
            Map<String, double[]> one = child(agents.get(a), scenario, endpoint,
                programStats != null);
            one.forEach((name, v) -> byJar.get(agents.indexOf(agents.get(a)))
                .computeIfAbsent(name, n -> new ArrayList<>()).add(v));
            System.err.printf(Locale.ROOT, "agent-thread-cost: %s jar %s round %d: agent %.3f ms/s,"
                    + " process %.1f ms/s, %.0f faults/s, fault programs %.3f ms/s, syscall programs"
                    + " %.3f ms/s%n", scenario, (char) ('A' + a), r + 1,
                one.get("agent threads")[0], one.get("process (live threads)")[0],
                one.get(FAULTS)[0], one.get(FAULT_PROGRAMS)[0], one.get(SYSCALL_PROGRAMS)[0]);
          }
        }
        report(scenario, byJar);
      }
    } finally {
      if (programStats != null) {
        programStats.close();
      }
    }
    return 0;
  }

  private Map<String, double[]> child(Path agent, String scenario, String endpoint,
      boolean programStats) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AgentModes.baseJvmArgs());
    cmd.add("-javaagent:" + agent + "=otel.exporter.otlp.endpoint=" + endpoint);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    if (scenario.equals("idle")) {
      cmd.add(Sleeper.class.getName());
    } else {
      cmd.addAll(List.of("io.memspan.bench.ab.WorkloadRunner", scenario, "default", "1000000",
          "1"));
    }
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (p.waitFor(settleSeconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException(scenario + ": the child exited early (" + p.exitValue()
            + "): " + String.join(" ", cmd));
      }
      Map<Long, Sample> before = sample(p.pid());
      long faults0 = minorFaults(p.pid());
      ProgramRunTime.Totals faultRun0 = programTotals(programStats, p.pid(), "page_fault_");
      ProgramRunTime.Totals syscallRun0 = programTotals(programStats, p.pid(), "sys_");
      long t0 = System.nanoTime();
      if (p.waitFor(windowSeconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException(scenario + ": the child exited during the window");
      }
      Map<Long, Sample> after = sample(p.pid());
      long faults1 = minorFaults(p.pid());
      ProgramRunTime.Totals faultRun = programTotals(programStats, p.pid(), "page_fault_")
          .minus(faultRun0);
      ProgramRunTime.Totals syscallRun = programTotals(programStats, p.pid(), "sys_")
          .minus(syscallRun0);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, double[]> perName = new LinkedHashMap<>();
      double agentCpu = 0;
      double agentWakes = 0;
      double processCpu = 0;
      for (Map.Entry<Long, Sample> e : after.entrySet()) {
        Sample b = before.get(e.getKey());
        Sample s = e.getValue();
        double cpu = (s.cpuNanos() - (b == null ? 0 : b.cpuNanos())) / 1e6 / seconds;
        double wakes = (s.wakeUps() - (b == null ? 0 : b.wakeUps())) / seconds;
        processCpu += cpu;
        if (AGENT_THREADS.stream().anyMatch(s.name()::startsWith)) {
          perName.merge(s.name(), new double[] {cpu, wakes},
              (x, y) -> new double[] {x[0] + y[0], x[1] + y[1]});
          agentCpu += cpu;
          agentWakes += wakes;
        }
      }
      perName.put("agent threads", new double[] {agentCpu, agentWakes});
      perName.put("process (live threads)", new double[] {processCpu, 0});
      perName.put(FAULTS, new double[] {(faults1 - faults0) / seconds, 0});
      perName.put(FAULT_PROGRAMS, new double[] {faultRun.runNanos() / 1e6 / seconds,
          faultRun.runs() / seconds});
      perName.put(SYSCALL_PROGRAMS, new double[] {syscallRun.runNanos() / 1e6 / seconds,
          syscallRun.runs() / seconds});
      return perName;
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  /**
   * What the kernel counted for the programs {@code pid} attached to events named so; nothing when
   * statistics are off or the child attached none (kernel=rusage, or bcc not ready yet).
   */
  private static ProgramRunTime.Totals programTotals(boolean on, long pid, String eventPrefix)
      throws IOException {
    return on ? ProgramRunTime.totals(pid, eventPrefix) : new ProgramRunTime.Totals(0, 0);
  }

  /** The process's minor page faults so far ({@code /proc/<pid>/stat}, field 10). */
  private static long minorFaults(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
  }

  private static Map<Long, Sample> sample(long pid) throws IOException {
    Map<Long, Sample> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          long cpu = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          long wakes = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              wakes = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
          out.put(Long.parseLong(task.getFileName().toString()), new Sample(name, cpu, wakes));
        } catch (IOException | RuntimeException gone) {
          // the thread ended between listing and reading
        }
      }
    }
    return out;
  }

  private void report(String scenario, List<Map<String, List<double[]>>> byJar) {
    System.out.printf(Locale.ROOT, "%n%s: medians of %d children, CPU ms/s (wake-ups/s)%n",
        scenario, rounds);
    TreeMap<String, Boolean> names = new TreeMap<>();
    byJar.forEach(m -> m.keySet().forEach(n -> names.put(n, true)));
    names.keySet().removeAll(TOTALS);
    List<String> order = new ArrayList<>(names.keySet());
    order.add("agent threads");
    order.add("process (live threads)");
    for (String name : order) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s", name));
      double[] first = null;
      for (int a = 0; a < byJar.size(); a++) {
        List<double[]> v = byJar.get(a).get(name);
        double cpu = v == null ? 0 : median(v, 0);
        double wakes = v == null ? 0 : median(v, 1);
        line.append(String.format(Locale.ROOT, "  %s %8.3f (%6.1f)", (char) ('A' + a), cpu,
            wakes));
        if (a == 0) {
          first = new double[] {cpu};
        } else if (first[0] > 0) {
          line.append(String.format(Locale.ROOT, "  B/A %.2f", cpu / first[0]));
        }
      }
      System.out.println(line);
    }
    StringBuilder faults = new StringBuilder("  page faults/s (process)  ");
    StringBuilder shares = new StringBuilder("  agent threads, % of the process's CPU:");
    for (int a = 0; a < byJar.size(); a++) {
      faults.append(String.format(Locale.ROOT, "  %s %.0f", (char) ('A' + a),
          median(byJar.get(a).get(FAULTS), 0)));
      shares.append(String.format(Locale.ROOT, " %s %.2f %%", (char) ('A' + a),
          share(byJar.get(a), "agent threads")));
    }
    System.out.println(faults);
    System.out.println(shares);
    if (!programStatsWanted) {
      return;
    }
    // In the faulting and calling threads, as kernel time: the part no thread list shows.
    for (String programs : List.of(FAULT_PROGRAMS, SYSCALL_PROGRAMS)) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "  bcc %s, the host's runs (kernel's clock):", programs));
      for (int a = 0; a < byJar.size(); a++) {
        double ms = median(byJar.get(a).get(programs), 0);
        double runs = median(byJar.get(a).get(programs), 1);
        line.append(String.format(Locale.ROOT, "  %s %.3f ms/s, %.0f runs/s, %.1f ns/run, at most"
            + " %.3f %% of the process", (char) ('A' + a), ms, runs,
            runs > 0 ? ms * 1e6 / runs : 0, share(byJar.get(a), programs)));
      }
      System.out.println(line);
    }
  }

  /** The median over children of {@code name}'s CPU as a percentage of the process's. */
  private static double share(Map<String, List<double[]>> m, String name) {
    double[] s = new double[m.get(name).size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = 100 * m.get(name).get(i)[0] / m.get("process (live threads)").get(i)[0];
    }
    return PairedStats.median(s);
  }

  private static double median(List<double[]> v, int index) {
    double[] x = new double[v.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = v.get(i)[index];
    }
    return PairedStats.median(x);
  }
}
