package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.ThreadSlot;
import java.util.Arrays;

/**
 * Page-fault throughput of a touch-every-page loop with the bcc probe attached (the op armed, so
 * every fault is counted into it) against the probe not attached, in one run, rounds interleaved
 * (ABAB...) so drift hits both sides alike. Goal: attached / detached throughput at least 0.95.
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.FaultThroughputAB [rounds]
 * [MiB per round] [control]}: with {@code control}, the "attached" side loads the probe and closes
 * it again before touching (a negative control: the cost of loading, not of the probe).
 */
public final class FaultThroughputAB {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private FaultThroughputAB() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
    long pages = bytes / 4096;
    boolean control = args.length > 2 && args[2].equals("control");
    touch(bytes); // warm up the loop and JNA
    touch(bytes);
    double[] with = new double[rounds];
    double[] without = new double[rounds];
    SlotCounters c = new SlotCounters();
    for (int r = 0; r < rounds; r++) {
      boolean attachedFirst = r % 2 == 0;
      for (int side = 0; side < 2; side++) {
        boolean attached = (side == 0) == attachedFirst;
        if (attached) {
          if (control) {
            MemoryProbes.bcc(ProbeOptions.defaults()).close();
            with[r] = pages * 1e9 / touch(bytes);
            continue;
          }
          try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults())) {
            ThreadSlot slot = probe.claimCurrentThread();
            slot.arm(r + 1);
            long ns = touch(bytes);
            slot.disarm();
            slot.readOp(c);
            if (Math.abs(c.userFaults - pages) > 16) {
              throw new IllegalStateException("probe counted " + c + " for " + pages + " pages");
            }
            with[r] = pages * 1e9 / ns;
          }
        } else {
          without[r] = pages * 1e9 / touch(bytes);
        }
      }
    }
    double w = median(with);
    double wo = median(without);
    System.out.printf("faults per CPU-second attached (median of %d): %.0f  (%.1f ns/fault)%n", rounds, w,
        1e9 / w);
    System.out.printf("faults per CPU-second detached (median of %d): %.0f  (%.1f ns/fault)%n", rounds, wo,
        1e9 / wo);
    System.out.printf("ratio attached/detached: %.3f  (per round: %s)%n", w / wo,
        ratios(with, without));
  }

  /**
   * Maps, touches one byte per page, unmaps; returns the CPU nanoseconds (user + system) the
   * touching thread spent, which includes the fault handler and the eBPF program run in its
   * context. CPU time rather than wall time: on a shared, loaded host wall time mostly measures
   * waiting for a CPU.
   */
  static long touch(long bytes) {
    long p = Syscalls.mapAnonymous(bytes);
    long t0 = CPU.getCurrentThreadCpuTime();
    Touch.pages(p, bytes);
    long ns = CPU.getCurrentThreadCpuTime() - t0;
    Syscalls.munmap(p, bytes);
    return ns;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String ratios(double[] with, double[] without) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < with.length; i++) {
      b.append(String.format("%.3f ", with[i] / without[i]));
    }
    return b.toString().trim();
  }
}
