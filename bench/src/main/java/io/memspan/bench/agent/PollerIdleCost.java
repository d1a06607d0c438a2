package io.memspan.bench.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the agent costs while the application does nothing: CPU time of the {@code memspan-poller}
 * thread (and of the whole process) over a quiet window of an application that only sleeps, after
 * the agent's start-up has settled. The child reads its own threads' scheduler statistics
 * ({@code /proc/self/task/<tid>/schedstat}, nanoseconds on CPU) so the poller's figure does not
 * depend on the 10 ms granularity of {@code stat}'s utime/stime.
 *
 * <p>{@code java -cp bench/target/memspan-bench.jar io.memspan.bench.agent.PollerIdleCost
 * agent/target/memspan-agent.jar [runs] [window-seconds] [agent-args]}
 */
public final class PollerIdleCost {
  private static final String POLLER = "memspan-poller";

  private PollerIdleCost() {}

  /** The child: settles, then measures a quiet window; prints poller ns, process ns, window ns. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      // the agent starts in the background: on a busy host that can take seconds
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (pollerCpuNanos() < 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(Long.parseLong(args[0])); // let the rest of the start-up settle
      long poller0 = pollerCpuNanos();
      long process0 = processCpuNanos();
      long t0 = System.nanoTime();
      Thread.sleep(Long.parseLong(args[1]));
      long poller1 = pollerCpuNanos();
      long process1 = processCpuNanos();
      long window = System.nanoTime() - t0;
      System.out.println((poller1 - poller0) + " " + (process1 - process0) + " " + window
          + " " + (poller0 < 0 ? "no-poller" : "poller"));
    }

    /** CPU ns of the memspan-poller thread (scheduler statistics), or -1 if there is none. */
    static long pollerCpuNanos() throws IOException {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            if (Files.readString(task.resolve("comm")).strip().equals(POLLER)) {
              return Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
            }
          } catch (IOException gone) {
            // the thread ended between listing and reading
          }
        }
      }
      return -1;
    }

    /** utime + stime of the whole process, ended threads included (10 ms ticks). */
    static long processCpuNanos() throws IOException {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/memspan-agent.jar");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long windowSeconds = args.length > 2 ? Long.parseLong(args[2]) : 10;
    String agentArgs = args.length > 3 ? "," + args[3] : "";
    List<double[]> results = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java,
          "-javaagent:" + agent.toAbsolutePath()
              + "=otel.traces.exporter=none,otel.metrics.exporter=none" + agentArgs,
          "-cp", System.getProperty("java.class.path"), Child.class.getName(),
          "3000", Long.toString(windowSeconds * 1000)));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || !out.endsWith(" poller")) {
        throw new IllegalStateException("child failed or had no " + POLLER + " thread: " + out);
      }
      String[] f = out.split(" ");
      double window = Double.parseDouble(f[2]);
      double[] r = {Double.parseDouble(f[0]) / 1e6, 100.0 * Double.parseDouble(f[0]) / window,
          100.0 * Double.parseDouble(f[1]) / window};
      results.add(r);
      System.out.printf(Locale.ROOT, "run %d: poller %.1f ms CPU in %.1f s = %.3f %% of a core;"
          + " whole process %.3f %%%n", run + 1, r[0], window / 1e9, r[1], r[2]);
    }
    results.sort((a, b) -> Double.compare(a[1], b[1]));
    double[] median = results.get(results.size() / 2);
    System.out.printf(Locale.ROOT, "median poller %.3f %% of a core (%.1f ms per %d s),"
        + " whole process %.3f %%%n", median[1], median[0], windowSeconds, median[2]);
  }
}
