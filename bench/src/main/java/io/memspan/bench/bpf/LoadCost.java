package io.memspan.bench.bpf;

import io.memspan.bpf.BccProgram;
import io.memspan.bpf.LibBcc;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What loading the bcc probe costs a process: dlopen of libbcc (with LLVM), compile, load +
 * attach, and resident memory before, after loading and after malloc_trim(0), with the compile cache
 * off (OpenCost compares a compile with a cache hit). Run in a fresh JVM:
 * {@code java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.LoadCost [repeats]}
 */
public final class LoadCost {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private LoadCost() {}

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.gc();
    long rss0 = rssKb();
    long t0 = System.nanoTime();
    LibBcc.load();
    long dlopenMs = (System.nanoTime() - t0) / 1_000_000;
    long rss1 = rssKb();

    long cpu0 = CPU.getCurrentThreadCpuTime();
    BccProgram program = BccProgram.load(ProbeOptions.defaults().withCache("off"), false);
    long cpuMs = (CPU.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
    long rss2 = rssKb();
    Syscalls.malloc_trim(0);
    long rss3 = rssKb();
    System.out.printf("dlopen libbcc+LLVM: %d ms, RSS %d -> %d MB%n", dlopenMs, rss0 / 1024,
        rss1 / 1024);
    System.out.printf("first compile %d ms, load+attach %d ms (wall); %d ms CPU of the loading"
        + " thread%n", program.compileNanos / 1_000_000, program.loadNanos / 1_000_000, cpuMs);
    System.out.printf("RSS before load %d MB, after load (module destroyed) %d MB, after"
        + " malloc_trim(0) %d MB: +%d MB kept%n", rss1 / 1024, rss2 / 1024, rss3 / 1024,
        (rss3 - rss1) / 1024);
    program.close();

    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      long c = CPU.getCurrentThreadCpuTime();
      try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults().withCache("off"))) {
        long total = (System.nanoTime() - t) / 1_000_000;
        long cpu = (CPU.getCurrentThreadCpuTime() - c) / 1_000_000;
        io.memspan.bpf.BccProbe bcc = (io.memspan.bpf.BccProbe) probe;
        System.out.printf("MemoryProbes.bcc: %d ms wall (compile %d ms, load+attach %d ms), %d ms"
            + " CPU, RSS %d MB%n", total, bcc.compileNanos() / 1_000_000,
            bcc.loadNanos() / 1_000_000, cpu, rssKb() / 1024);
      }
    }
  }

  static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
