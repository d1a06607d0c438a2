package io.memspan.bench.ab;

import io.memspan.bench.agent.AgentModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Whole workloads built from libraries nobody here wrote ({@link JsonOrders}: Jackson;
 * {@link SqlOrders}: H2), each in fresh child JVMs without the agent and with it, A/B in one
 * session. Every round runs every workload in every configuration twice, in a random order and
 * its mirror ({@link RoundSchedule}), so drift hits all configurations alike; each child runs its
 * workload once cold, then warm-up and steady iterations ({@link WorkloadRunner}). Per round and
 * figure ({@link Measure}: whole process, first run, steady run; wall and CPU) a configuration's
 * ratio to no agent is paired within the round, and the report gives the median ratio with a 95 %
 * bootstrap interval over rounds and what that interval allows one to claim ({@link Verdict}).
 * Every run's checksum must match: the agent must never change a result.
 *
 * <p>Modes: the agent at its defaults with {@code kernel=off} (no kernel source: the probes,
 * recorder and start-up alone), {@code kernel=rusage} (what {@code kernel=auto} picks without
 * eBPF), and, when running as root, {@code kernel=bcc} (auto here), each its own row.
 */
@Command(name = "WholeWorkloadAB", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A/B of whole workloads with and without the memspan agent, with paired "
        + "ratios, bootstrap intervals and verdicts against the 1 %% goal.")
public final class WholeWorkloadAB implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", defaultValue = "agent/target/memspan-agent.jar",
      description = "the agent jar under test (default: ${DEFAULT-VALUE})")
  String agentJar;

  @Parameters(index = "1", arity = "0..1", defaultValue = "10",
      description = "rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Parameters(index = "2", arity = "0..1", defaultValue = "default",
      description = "orders (JsonOrders) and order rows (SqlOrders), or 'default' for theirs")
  String size;

  @Option(names = "--warmups", defaultValue = "1",
      description = "runs after the cold one that are not reported (default: ${DEFAULT-VALUE})")
  int warmups;

  @Option(names = "--steady", defaultValue = "3",
      description = "runs after those whose median is the steady figure (default: ${DEFAULT-VALUE})")
  int steady;

  @Option(names = "--kernels", split = ",",
      description = "agent kernel modes to compare (default: off,rusage, plus bcc as root)")
  List<String> kernels;

  @Option(names = "--mode", paramLabel = "NAME=OPTIONS", mapFallbackValue = "",
      description = "an agent configuration of its own, e.g. --mode 'disabled=memspan.enabled=false'"
          + " (options as agent arguments, after the exporters-off ones); repeatable, beside --kernels")
  Map<String, String> namedModes = new LinkedHashMap<>();

  @Option(names = "--workloads", split = ",",
      description = "which workloads to run (default: all of JsonOrders,SqlOrders)")
  List<String> workloads;

  @Option(names = "--minutes", defaultValue = "0",
      description = "start no round that would end after this many minutes (0: no limit)")
  double minutes;

  @Option(names = "--seed", defaultValue = "20261121",
      description = "seed of the run order (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--raw", description = "where the raw runs go (default: a new file in the temp dir)")
  Path raw;

  @Option(names = "--analyze", paramLabel = "FILE",
      description = "report a saved session's raw runs instead of running")
  Path analyze;

  public static void main(String[] args) {
    System.exit(HarnessCommand.execute(new WholeWorkloadAB(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (analyze != null) {
      report(RawRuns.read(analyze));
      return 0;
    }
    if (rounds < 1 || warmups < 0 || steady < 0 || minutes < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "rounds must be at least 1, --warmups, --steady and --minutes 0 or more");
    }
    String sizeArg = size.equals("default") ? size : String.valueOf(Workloads.positive(size, "size"));
    Path agent = AgentModes.agentJar(agentJar);
    List<String> kernelModes = kernels != null ? kernels
        : !namedModes.isEmpty() ? List.of()
        : isRoot() ? List.of("off", "rusage", "bcc") : List.of("off", "rusage");
    Map<String, List<String>> modes = AgentModes.kernelModes(agent, "", kernelModes);
    AgentModes.namedModes(agent, namedModes).forEach((name, args) -> {
      if (modes.putIfAbsent(name, args) != null) {
        throw new IllegalArgumentException("--mode " + name + " names a configuration twice");
      }
    });
    List<String> runWorkloads = WorkloadRunner.chosen(workloads);
    Path file = raw != null ? raw : Files.createTempFile("memspan-ab-", ".tsv");

    Map<String, String> header = new LinkedHashMap<>();
    header.put(RawRuns.WORKLOADS, String.join("|", runWorkloads));
    header.put(RawRuns.MODES, String.join("|", modes.keySet()));
    header.put("started", Instant.now().toString());
    header.put("jdk", System.getProperty("java.version"));
    header.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    header.put("size", sizeArg);
    header.put("warmups", String.valueOf(warmups));
    header.put("steady", String.valueOf(steady));
    header.put("seed", String.valueOf(seed));
    header.put("agent", agent.toString());
    RawRuns.create(file, header);
    System.err.println("raw runs: " + file);

    List<Cell> cells = new ArrayList<>();
    for (String w : runWorkloads) {
      modes.forEach((name, args) -> cells.add(new Cell(w, name, args)));
    }
    RoundSchedule<Cell> schedule = new RoundSchedule<>(cells, seed);
    ReapedChildrenCpu.nanos(); // binds libc before the first child is timed
    long start = System.nanoTime();
    for (int round = 1; round <= rounds; round++) {
      long roundStart = System.nanoTime();
      List<Cell> order = schedule.nextRound();
      for (int slot = 0; slot < order.size(); slot++) {
        Cell c = order.get(slot);
        ChildRun run = runChild(round, slot, c, sizeArg);
        RawRuns.append(file, run);
        System.err.printf(Locale.ROOT, "round %d slot %d: %s, %s: %.2f s wall, %.2f s CPU,"
                + " first run %.0f ms (load %.2f)%n", round, slot, c.workload, c.mode,
            run.processWallNanos() / 1e9, run.processCpuNanos() / 1e9,
            run.cold().wallNanos() / 1e6, run.load1());
      }
      long now = System.nanoTime();
      if (minutes > 0 && (now - start) + (now - roundStart) > minutes * 60e9) {
        System.err.printf(Locale.ROOT, "stopping after %d rounds: the next would pass %.0f min%n",
            round, minutes);
        break;
      }
    }
    report(RawRuns.read(file));
    System.out.println();
    System.out.println("raw runs: " + file + " (report again: --analyze " + file + ")");
    return 0;
  }

  private static void report(RawRuns.Session session) {
    Map<String, String> h = session.header();
    // Only whole rounds: a round cut short has lost the mirror half of its order.
    Map<Integer, Long> perRound = session.runs().stream()
        .collect(Collectors.groupingBy(ChildRun::round, Collectors.counting()));
    long full = perRound.values().stream().mapToLong(n -> n).max().orElse(0);
    List<ChildRun> runs = session.runs().stream()
        .filter(r -> perRound.get(r.round()) == full).toList();
    long rounds = perRound.values().stream().filter(n -> n == full).count();
    double loadMin = runs.stream().mapToDouble(ChildRun::load1).min().orElse(Double.NaN);
    double loadMax = runs.stream().mapToDouble(ChildRun::load1).max().orElse(Double.NaN);
    System.out.printf(Locale.ROOT, "started %s; JDK %s; %s cores; %d rounds of %d runs%s; size %s;"
            + " per child 1 cold + %s warm-up + %s steady runs; order seed %s;"
            + " 1-min load average at child start %.2f–%.2f%n%n",
        h.get("started"), h.get("jdk"), h.get("cores"), rounds, full,
        runs.size() == session.runs().size() ? ""
            : " (" + (session.runs().size() - runs.size()) + " runs of an unfinished round left out)",
        h.get("size"), h.get("warmups"), h.get("steady"), h.get("seed"), loadMin, loadMax);
    System.out.print(new AbReport(runs, session.workloads(), session.modes()).markdown());
  }

  private ChildRun runChild(int round, int slot, Cell cell, String size) throws Exception {
    List<String> cmd = WorkloadRunner.command(cell.agentArgs, cell.workload, size, warmups,
        steady);
    Path err = Files.createTempFile("memspan-ab-", ".stderr");
    try {
      double load1 = loadAverage1();
      long cpu0 = ReapedChildrenCpu.nanos();
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = p.waitFor();
      long wall = System.nanoTime() - t0;
      long cpu = ReapedChildrenCpu.nanos() - cpu0;
      List<IterationLine> its = new ArrayList<>();
      for (String line : out.split("\n")) {
        IterationLine it = IterationLine.parse(line);
        if (it != null) {
          its.add(it);
        }
      }
      if (exit != 0 || its.isEmpty()) {
        throw new IllegalStateException(cell.workload + " exited " + exit + " with "
            + cell.agentArgs + "\nstdout:\n" + out + "\nstderr:\n" + Files.readString(err));
      }
      return new ChildRun(round, slot, cell.workload, cell.mode, wall, cpu, load1, its);
    } finally {
      Files.deleteIfExists(err);
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

  private static double loadAverage1() throws IOException {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
  }

  /** One workload in one configuration. */
  private record Cell(String workload, String mode, List<String> agentArgs) {}
}
