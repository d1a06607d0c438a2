package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.SyscallRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Ring-buffer consumption in CPU time per record (goal 25 ns), the load-independent companion of
 * {@link RingConsumeBench}: fill the 4 MiB ring with 40,000 munmap records, then drain it with
 * one {@link MemoryProbe#poll} and take the draining thread's CPU time; median of the rounds.
 * {@code java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.RingCpuCost [rounds]}
 */
public final class RingCpuCost {
  static final int RECORDS = 40_000;

  private RingCpuCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] sink = new long[1];
    Consumer<SyscallRecord> consumer = r -> sink[0] += r.ret() + r.args().length;
    double[] perRecord = new double[rounds];
    try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults())) {
      for (int r = -10; r < rounds; r++) { // 10 rounds of warm-up
        probe.poll(x -> { });
        for (int i = 0; i < RECORDS; i++) {
          Syscalls.munmap(RingConsumeBench.NOTHING_MAPPED, 4096);
        }
        long c0 = cpu.getCurrentThreadCpuTime();
        int n = probe.poll(consumer);
        long c1 = cpu.getCurrentThreadCpuTime();
        if (r >= 0) {
          perRecord[r] = (double) (c1 - c0) / n;
        }
      }
      Arrays.sort(perRecord);
      System.out.printf("ring consumption: median %.1f ns CPU per record (min %.1f, max %.1f)"
          + " over %d drains of ~%d records; lost %d%n", perRecord[rounds / 2], perRecord[0],
          perRecord[rounds - 1], rounds, RECORDS, probe.stats().recordsLost());
    }
    if (sink[0] == 42) {
      System.out.println();
    }
  }
}
