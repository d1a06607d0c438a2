package io.memspan.bench.bpf;

import io.memspan.bpf.BccProbe;
import io.memspan.bpf.LibBcc;
import io.memspan.bpf.LoadReport;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What opening the bcc probe costs a fresh JVM, cold (libbcc compiles: an empty compile cache) and
 * warm (a hit in the cache the cold run wrote), interleaved in one run: wall and CPU of
 * {@code MemoryProbes.bcc} (process CPU, all threads, and the opening thread's), and whether
 * libbcc ended up mapped into the process.
 *
 * <pre>
 * java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.OpenCost [rounds]
 * java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.OpenCost dlopen   # JNA + dlopen of libbcc only
 * java -cp bench/target/memspan-bench.jar io.memspan.bench.bpf.OpenCost jna      # JNA only: the baseline
 * </pre>
 */
public final class OpenCost {
  private static final java.lang.management.ThreadMXBean THREAD =
      ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private OpenCost() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(Path.of(args[1]));
      return;
    }
    if (args.length > 0 && (args[0].equals("dlopen") || args[0].equals("jna"))) {
      // Both initialise JNA and libc; only "dlopen" then loads libbcc (and LLVM with it), so that
      // perf stat of the two isolates the dlopen.
      com.sun.jna.NativeLibrary.getInstance("c");
      if (args[0].equals("dlopen")) {
        long cpu0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        LibBcc.load();
        System.out.printf(Locale.ROOT, "dlopen libbcc.so.0: %.1f ms wall, %.1f ms process CPU%n",
            (System.nanoTime() - t0) / 1e6, (PROCESS.getProcessCpuTime() - cpu0) / 1e6);
      }
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<double[]> cold = new ArrayList<>();
    List<double[]> warm = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Path dir = Files.createTempDirectory("memspan-opencost");
      try {
        cold.add(run(dir, "cold"));
        warm.add(run(dir, "warm"));
      } finally {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(dir);
      }
    }
    System.out.println();
    System.out.println("medians of " + rounds + " (ms)   wall   process CPU   opening thread CPU");
    print("cold (compile)", cold);
    print("warm (cache hit)", warm);
  }

  private static void print(String what, List<double[]> runs) {
    System.out.printf(Locale.ROOT, "%-18s %7.1f %13.1f %20.1f%n", what, median(runs, 0),
        median(runs, 1), median(runs, 2));
  }

  private static double median(List<double[]> runs, int column) {
    double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double[] run(Path dir, String label) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--enable-native-access")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OpenCost.class.getName(),
        "child", dir.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(label + " child failed: " + out);
    }
    String line = out.lines().filter(l -> l.startsWith("open ")).findFirst()
        .orElseThrow(() -> new IllegalStateException(out));
    System.out.println(label + ": " + line);
    String[] f = line.split(" ");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3])};
  }

  /**
   * One probe opened in this fresh JVM: "open wallMs processCpuMs threadCpuMs origin libbcc=…".
   * JNA is initialised first and reported apart ("jna …"): the agent uses it anyway (thread ids), so
   * it is not part of what the cache can save.
   */
  private static void child(Path cacheDir) throws Exception {
    long jnaCpu0 = PROCESS.getProcessCpuTime();
    long jna0 = System.nanoTime();
    com.sun.jna.NativeLibrary.getInstance("c");
    System.out.printf(Locale.ROOT, "jna init %.1f ms wall, %.1f ms process CPU%n",
        (System.nanoTime() - jna0) / 1e6, (PROCESS.getProcessCpuTime() - jnaCpu0) / 1e6);
    ProbeOptions options = ProbeOptions.defaults().withCacheDir(cacheDir);
    long cpu0 = PROCESS.getProcessCpuTime();
    long thread0 = THREAD.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    try (BccProbe probe = (BccProbe) MemoryProbes.bcc(options)) {
      long wall = System.nanoTime() - t0;
      long thread = THREAD.getCurrentThreadCpuTime() - thread0;
      long cpu = PROCESS.getProcessCpuTime() - cpu0;
      LoadReport r = probe.loadReport();
      boolean libbcc = Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .anyMatch(l -> l.contains("libbcc.so"));
      System.out.printf(Locale.ROOT, "open %.1f %.1f %.1f %s libbcc-mapped=%s compile=%.1fms"
          + " load+attach=%.1fms%n", wall / 1e6, cpu / 1e6, thread / 1e6, r.origin(), libbcc,
          r.compileNanos() / 1e6, r.loadNanos() / 1e6);
    }
  }
}
