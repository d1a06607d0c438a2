package io.memspan.bench.bpf;

import io.memspan.bench.ab.HarnessCommand;
import io.memspan.bench.ab.PairedStats;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProgramRunTime;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.ThreadSlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What memspan's eBPF program adds to one page fault, tracepoint dispatch included, resolved on a
 * host whose faults vary more than the program costs. Two amplifiers: the faults are the cheapest
 * the kernel has (a read of a fresh anonymous page maps the shared zero page: no allocation, no
 * zeroing), and the program is attached {@code --copies} times (each a whole probe with its own
 * maps and a slot claimed by the faulting thread, as the agent's threads hold one), so one fault
 * runs it K times. Rounds alternate with and without the copies (A B B A ...); the per-round
 * difference divided by K is one program's cost per fault, reported as the median with a 95 %
 * bootstrap interval.
 *
 * <p>As root it then holds the kernel's program statistics on for one more pass and prints the
 * run time the kernel's clock gives the same copies: the figure {@code AgentThreadCost} reads in
 * real workloads, which contains two clock reads but not the dispatch; side by side they say how
 * that figure relates to the whole cost.
 */
@Command(name = "FaultProgramCost", mixinStandardHelpOptions = true, sortOptions = false,
    description = "ns the bcc program adds to a page fault, amplified by attaching it K times.")
public final class FaultProgramCost implements Callable<Integer> {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final Path STATS_ENABLED = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  @Option(names = "--copies", defaultValue = "8", description = "probes attached at once (K)")
  int copies;

  @Option(names = "--rounds", defaultValue = "16",
      description = "rounds, each with and without (even: A B, then B A)")
  int rounds;

  @Option(names = "--mib", defaultValue = "256", description = "MiB read page by page per side")
  long mib;

  @Option(names = "--armed", description = "arm an op in every copy's slot (default: unarmed,"
      + " the faulting thread's usual state between structure growths)")
  boolean armed;

  public static void main(String[] args) {
    System.exit(HarnessCommand.execute(new FaultProgramCost(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (copies < 1 || rounds < 2 || rounds % 2 != 0 || mib < 1) {
      throw new IllegalArgumentException("--copies and --mib must be at least 1, --rounds even and"
          + " at least 2 (A B, then B A)");
    }
    if (Files.exists(STATS_ENABLED) && Files.readString(STATS_ENABLED).strip().equals("1")) {
      System.err.println("fault-program-cost: warning: another process holds the kernel's program"
          + " statistics on, which adds two clock reads to every run of the copies");
    }
    long bytes = mib << 20;
    long pages = bytes / 4096;
    for (int i = 0; i < 3; i++) {
      readFaults(bytes); // the loop compiled, JNA linked, the kernel's page tables warm
    }
    double[] without = new double[rounds];
    double[] with = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      boolean withFirst = r % 4 == 1 || r % 4 == 2; // A B B A
      for (int side = 0; side < 2; side++) {
        if ((side == 0) == withFirst) {
          with[r] = withCopies(bytes, null) / pages;
        } else {
          without[r] = readFaults(bytes) / pages;
        }
      }
      System.err.printf(Locale.ROOT, "fault-program-cost: round %d: %.1f ns/fault without, %.1f"
          + " with %d copies%n", r + 1, without[r], with[r], copies);
    }
    double[] perCopy = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      perCopy[r] = (with[r] - without[r]) / copies;
    }
    PairedStats.Interval ci = PairedStats.ci95(perCopy);
    System.out.printf(Locale.ROOT, "zero-page read faults, %d MiB a side, %d rounds, %s thread%n",
        mib, rounds, armed ? "armed" : "unarmed");
    System.out.printf(Locale.ROOT, "  without the program: %.1f ns/fault (median)%n",
        PairedStats.median(without));
    System.out.printf(Locale.ROOT, "  with %d copies:       %.1f ns/fault (median)%n", copies,
        PairedStats.median(with));
    System.out.printf(Locale.ROOT, "  one copy, dispatch included: %.1f ns/fault (95 %% interval"
        + " %.1f to %.1f)%n", PairedStats.median(perCopy), ci.low(), ci.high());

    ProgramRunTime stats;
    try {
      stats = ProgramRunTime.enable();
    } catch (IOException | LinkageError e) {
      System.out.println("  the kernel's clock: not read (" + e.getMessage() + ")");
      return 0;
    }
    ProgramRunTime.Totals timed;
    long hostFaults = ProgramRunTime.hostFaults();
    try (stats) {
      List<ProgramRunTime.Totals> out = new ArrayList<>();
      withCopies(bytes, out);
      timed = out.get(1).minus(out.get(0));
    }
    hostFaults = ProgramRunTime.hostFaults() - hostFaults;
    System.out.printf(Locale.ROOT, "  the kernel's clock (statistics on): %.1f ns per run, %d runs"
        + " for %d faults x %d copies (the host handled %d faults meanwhile)%n",
        (double) timed.runNanos() / timed.runs(), timed.runs(), pages, copies, hostFaults);
    return 0;
  }

  /**
   * Loads the copies, claims (and arms) a slot in each, reads the faults, closes them; the CPU ns
   * of the faulting. With {@code totals}, the fault programs' kernel totals before and after.
   */
  private double withCopies(long bytes, List<ProgramRunTime.Totals> totals) throws Exception {
    List<MemoryProbe> probes = new ArrayList<>();
    List<ThreadSlot> slots = new ArrayList<>();
    try {
      for (int i = 0; i < copies; i++) {
        MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults());
        probes.add(probe);
        slots.add(probe.claimCurrentThread());
      }
      if (armed) {
        // armed only now: the faults of loading the copies are not the reads'
        for (int i = 0; i < copies; i++) {
          slots.get(i).arm(i + 1);
        }
      }
      long pid = ProcessHandle.current().pid();
      if (totals != null) {
        totals.add(ProgramRunTime.totals(pid, "page_fault_user"));
      }
      double ns = readFaults(bytes);
      if (totals != null) {
        totals.add(ProgramRunTime.totals(pid, "page_fault_user"));
      }
      if (armed) {
        long pages = bytes / 4096;
        for (int i = 0; i < copies; i++) {
          SlotCounters c = new SlotCounters();
          slots.get(i).disarm();
          slots.get(i).readOp(c);
          // Not exact: the op also counts what else this thread maps and touches meanwhile (the
          // mapping itself, ~65 faults of a 64 KiB buffer of the JVM's); counted twice would be 2x.
          if (c.userFaults < pages || c.userFaults > pages + pages / 8) {
            throw new IllegalStateException("copy " + (i + 1) + "'s armed op counted " + c
                + " for " + pages + " pages read: the program did not run once per fault");
          }
        }
      }
      return ns;
    } finally {
      probes.forEach(MemoryProbe::close);
    }
  }

  /** Maps, reads one byte per page, unmaps: the faulting thread's CPU ns for the reads. */
  static double readFaults(long bytes) {
    long p = Syscalls.mapAnonymous(bytes);
    long t0 = CPU.getCurrentThreadCpuTime();
    long sum = Touch.read(p, bytes);
    long ns = CPU.getCurrentThreadCpuTime() - t0;
    Syscalls.munmap(p, bytes);
    if (sum != 0) {
      throw new IllegalStateException("a fresh anonymous page read " + sum + ", not zero");
    }
    return ns;
  }
}
