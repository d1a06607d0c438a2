package io.memspan.bench.ab;

import com.sun.tools.attach.VirtualMachine;
import io.memspan.bench.agent.AgentModes;
import io.memspan.bench.export.SinkServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's steady-state cost, A/B inside one JVM: each child JVM starts with the agent at its
 * defaults (exporting to a local OTLP sink), warms a workload up, and then runs it in phases with
 * the agent attached (B) and detached (A: {@code memspan detach}, the JDK classes back to their
 * own code and the eBPF tracepoints closed), in the order B A A B B A A B ..., switched through
 * the attach API between phases while the workload waits. Each switch retransforms the JDK's
 * collection classes, which deoptimizes the code that inlined them, so a few runs after each
 * switch are left out ({@code --settle}) before the phase's measured runs.
 *
 * <p>Why inside one JVM: across JVMs these workloads fall into different JIT and GC states (H2's
 * C2 never settles; Jackson's G1 is bimodal), ±15 % apart, which no practical number of JVM pairs
 * resolves to 1 %. Within one JVM the application's profile, compiled code and heap carry over
 * from phase to phase; what changes is the agent's probes and kernel program. Each adjacent
 * (B, A) pair gives one ratio per measure; the report is the median ratio over all pairs of all
 * children with a bootstrap 95 % interval ({@link PairedStats}) and the verdict against 1 %.
 *
 * <p>What it does not measure: the agent's start (see {@code StartCost}), and its idle threads
 * (present in both phases; their CPU is reported from the children's per-thread times).
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.ab.SteadyStateAB
 * agent/target/memspan-agent.jar [children] [--workloads JsonOrders,SqlOrders] [--agent-args k=v,...]
 * [--warmups 8] [--pairs 4] [--settle 2] [--runs 4] [--jvm-args "..."] [--raw FILE]}
 */
public final class SteadyStateAB {
  private static final double GOAL = 0.01;
  private static final String[] MEASURES = {"wall", "main-thread CPU", "process CPU"};
  /**
   * The children's heap by default: a fixed heap, a young generation that takes a few runs to
   * fill, and the serial collector, whose collections run on the VM thread, not on the workload's
   * core beside it. With G1 (the JVM's default) a run's main-thread CPU swings ±25 % with where
   * the concurrent collector's work lands; with this, ±2 % for Jackson. The agent changes
   * nothing about the collector, so this takes noise out, not cost; {@code --jvm-args ""} runs
   * the JVM's defaults.
   */
  static final String QUIET_HEAP = "-Xms2g -Xmx2g -Xmn1500m -XX:+UseSerialGC";

  private SteadyStateAB() {}

  /** The command line, checked. */
  record Options(Path agent, int children, List<String> workloads, String agentArgs, int warmups,
      int pairs, int settle, int runs, Path raw, List<String> jvmArgs) {

    static Options parse(String[] args) {
      if (args.length == 0) {
        throw new IllegalArgumentException("usage: SteadyStateAB AGENT_JAR [children] [--workloads"
            + " W,...] [--agent-args k=v,...] [--warmups N] [--pairs N] [--settle N] [--runs N]"
            + " [--raw FILE]");
      }
      Path agent = AgentModes.agentJar(args[0]);
      int children = 3;
      List<String> workloads = null;
      String agentArgs = "";
      int warmups = 8;
      int pairs = 4;
      int settle = 2;
      int runs = 4;
      Path raw = null;
      List<String> jvmArgs = List.of(QUIET_HEAP.split(" "));
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          children = Workloads.positive(a, "children");
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--workloads" -> workloads = List.of(v.split(","));
          case "--agent-args" -> agentArgs = v;
          case "--warmups" -> warmups = Workloads.positive(v, a);
          case "--pairs" -> pairs = Workloads.positive(v, a);
          case "--settle" -> settle = Workloads.positive(v, a);
          case "--runs" -> runs = Workloads.positive(v, a);
          case "--raw" -> raw = Path.of(v);
          case "--jvm-args" -> jvmArgs = v.isBlank() ? List.of() : List.of(v.trim().split(" +"));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Options(agent, children, WorkloadRunner.chosen(workloads), agentArgs, warmups,
          pairs, settle, runs, raw, jvmArgs);
    }
  }

  /** One phase of one child: its mode and the medians of its measured runs, per measure. */
  record Phase(boolean attached, double[] medians, long agentThreadNanos, long processNanos) {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Writer rawOut = o.raw() == null ? Writer.nullWriter()
        : Files.newBufferedWriter(o.raw(), StandardCharsets.UTF_8);
    try (PrintWriter raw = new PrintWriter(rawOut);
        SinkServer.Forked sink = SinkServer.fork("http")) {
      raw.println("workload\tchild\tphase\tmode\trun\twall_ns\tprocess_cpu_ns\tmain_cpu_ns");
      String endpoint = "http://127.0.0.1:" + sink.port();
      for (String workload : o.workloads()) {
        List<Phase[]> pairs = new ArrayList<>();
        for (int c = 0; c < o.children(); c++) {
          pairs.addAll(child(o, workload, c, endpoint, raw));
          raw.flush();
        }
        report(workload, pairs, o);
      }
    }
  }

  /** One child JVM: warm-up, then the phases; returns its (attached, detached) pairs. */
  private static List<Phase[]> child(Options o, String workload, int index, String endpoint,
      PrintWriter raw) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AgentModes.baseJvmArgs());
    cmd.addAll(o.jvmArgs());
    if (Runtime.version().feature() >= 21) {
      cmd.add("-XX:+EnableDynamicAgentLoading");
    }
    cmd.add("-javaagent:" + o.agent() + "=instrument=premain,otel.exporter.otlp.endpoint="
        + endpoint + (o.agentArgs().isEmpty() ? "" : "," + o.agentArgs()));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SteadyStateChild.class.getName(), workload, "default"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8)); PrintWriter in = new PrintWriter(p.getOutputStream(), true)) {
      expect(out, "ready");
      String pid = Long.toString(p.pid());
      awaitKernelSource(pid);
      command(in, out, o.warmups());
      List<Phase> phases = new ArrayList<>();
      boolean attached = true;
      List<Boolean> order = order(o.pairs());
      for (int i = 0; i < order.size(); i++) {
        boolean want = order.get(i);
        if (want != attached) {
          switchAgent(pid, o.agent(), want);
          attached = want;
        }
        command(in, out, o.settle());
        Command measured = command(in, out, o.runs());
        double[] medians = new double[MEASURES.length];
        for (int m = 0; m < MEASURES.length; m++) {
          double[] v = new double[measured.runs.size()];
          for (int r = 0; r < v.length; r++) {
            v[r] = measured.runs.get(r)[m];
          }
          medians[m] = PairedStats.median(v);
        }
        phases.add(new Phase(attached, medians,
            measured.cpu.getOrDefault(ThreadCpu.Category.AGENT, 0L), measured.processNanos()));
        for (int r = 0; r < measured.runs.size(); r++) {
          long[] run = measured.runs.get(r);
          raw.println(workload + "\t" + index + "\t" + i + "\t" + (attached ? "B" : "A") + "\t" + r
              + "\t" + run[0] + "\t" + run[1] + "\t" + run[2]);
        }
        System.err.printf(Locale.ROOT, "steady-ab: %s child %d phase %d %s wall %.3f s%n", workload,
            index, i, attached ? "attached" : "detached", medians[0] / 1e9);
      }
      in.println("quit");
      List<Phase[]> pairs = new ArrayList<>();
      for (int i = 0; i + 1 < phases.size(); i += 2) {
        Phase x = phases.get(i);
        Phase y = phases.get(i + 1);
        pairs.add(x.attached() ? new Phase[] {x, y} : new Phase[] {y, x});
      }
      return pairs;
    } finally {
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** What one {@code run N} answered: per run wall, process CPU and main-thread CPU (ns). */
  record Command(List<long[]> runs, Map<ThreadCpu.Category, Long> cpu) {
    long processNanos() {
      return cpu.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static Command command(PrintWriter in, BufferedReader out, int n) throws IOException {
    in.println("run " + n);
    List<long[]> runs = new ArrayList<>();
    Map<ThreadCpu.Category, Long> cpu = Map.of();
    for (String line = out.readLine(); ; line = out.readLine()) {
      if (line == null) {
        throw new IOException("child ended before 'done'");
      }
      if (line.equals("done")) {
        return new Command(runs, cpu);
      }
      Map<ThreadCpu.Category, Long> c = ThreadCpu.parse(line);
      if (c != null) {
        cpu = c;
      } else if (line.startsWith("run ")) {
        String[] f = line.split(" ");
        runs.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
      }
    }
  }

  private static void expect(BufferedReader out, String want) throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals(want)) {
        return;
      }
    }
    throw new IOException("child ended before '" + want + "'");
  }

  /** Detaches the agent or attaches it again, and waits until its kernel source is open. */
  private static void switchAgent(String pid, Path agent, boolean attach) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(pid);
    try {
      vm.loadAgent(agent.toString(), attach ? "instrument=premain" : "detach");
      String probes = vm.getSystemProperties().getProperty("memspan.probes.installed");
      if (attach != (probes != null)) {
        throw new IllegalStateException("the agent did not " + (attach ? "attach" : "detach")
            + " (probes: " + probes + ")");
      }
    } finally {
      vm.detach();
    }
    if (attach) {
      awaitKernelSource(pid);
    }
  }

  /** The kernel source opens in the background after the probes: B phases run with it. */
  private static void awaitKernelSource(String pid) throws Exception {
    long end = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < end) {
      VirtualMachine vm = VirtualMachine.attach(pid);
      try {
        if (vm.getSystemProperties().getProperty("memspan.kernel.source") != null) {
          return;
        }
      } finally {
        vm.detach();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no kernel source within 60 s");
  }

  private static void report(String workload, List<Phase[]> pairs, Options o) {
    System.out.printf(Locale.ROOT, "%n%s: %d children x %d pairs, %d warm-up runs, %d settle + %d"
        + " measured runs per phase, JVM flags [%s], agent args [%s]%n", workload, o.children(),
        o.pairs(), o.warmups(), o.settle(), o.runs(), String.join(" ", o.jvmArgs()),
        o.agentArgs());
    System.out.println("| measure | attached / detached, median [95 % CI] | verdict |");
    System.out.println("| --- | --- | --- |");
    for (int m = 0; m < MEASURES.length; m++) {
      double[] b = new double[pairs.size()];
      double[] a = new double[pairs.size()];
      for (int i = 0; i < pairs.size(); i++) {
        b[i] = pairs.get(i)[0].medians()[m];
        a[i] = pairs.get(i)[1].medians()[m];
      }
      double[] ratios = PairedStats.ratios(b, a);
      PairedStats.Interval ci = PairedStats.ci95(ratios);
      System.out.printf(Locale.ROOT, "| %s | %+.2f %% [%+.2f, %+.2f] | %s |%n", MEASURES[m],
          100 * (PairedStats.median(ratios) - 1), 100 * (ci.low() - 1), 100 * (ci.high() - 1),
          Verdict.of(ci, pairs.size(), GOAL));
    }
    long[] agentNs = new long[2];
    long[] processNs = new long[2];
    for (Phase[] pair : pairs) {
      for (int k = 0; k < 2; k++) {
        agentNs[k] += pair[k].agentThreadNanos();
        processNs[k] += pair[k].processNanos();
      }
    }
    System.out.printf(Locale.ROOT, "agent threads' CPU, share of the process's: attached %.2f %%,"
        + " detached %.2f %%%n", 100.0 * agentNs[0] / processNs[0], 100.0 * agentNs[1] / processNs[1]);
    System.out.println("per-pair ratios (wall): " + Arrays.toString(pairs.stream()
        .mapToDouble(p -> Math.round(10000 * p[0].medians()[0] / p[1].medians()[0]) / 10000.0)
        .toArray()));
  }

  /**
   * The phase order, true = attached: B A A B B A A B ..., so every other phase switches and each
   * mode comes first in half the pairs (a drift over the child's life hits both alike).
   */
  static List<Boolean> order(int pairs) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < 2 * pairs; i++) {
      out.add(i % 4 == 0 || i % 4 == 3);
    }
    return out;
  }
}
