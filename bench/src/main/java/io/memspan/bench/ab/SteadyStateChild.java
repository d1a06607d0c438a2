package io.memspan.bench.ab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of {@link SteadyStateAB}: runs one workload as often as its parent says, on its
 * main thread, and answers each run with one line. Between commands it waits, so the parent can
 * detach the agent from it or attach it again while nothing runs.
 *
 * <p>stdin: {@code run N} (N runs), {@code quit}. stdout: {@code ready} once, then per run
 * {@code run <wall ns> <process cpu ns> <main thread cpu ns> <checksum hex>}, and after each
 * command one {@link ThreadCpu} line (the command's CPU by category of thread) and {@code done}. Every run must return the first run's checksum (the child fails otherwise).
 *
 * <p>usage: SteadyStateChild JsonOrders|SqlOrders size|default
 */
public final class SteadyStateChild {
  private SteadyStateChild() {}

  public static void main(String[] args) throws Exception {
    WorkloadRunner.Workload workload = WorkloadRunner.WORKLOADS.get(args[0]);
    if (args.length != 2 || workload == null) {
      throw new IllegalArgumentException("usage: SteadyStateChild " + String.join("|",
          WorkloadRunner.WORKLOADS.keySet()) + " size|default");
    }
    int size = WorkloadRunner.size(args[0], args[1]);
    // the workloads run on this thread alone: its CPU time, in ns, is what the hooks can cost
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    System.out.println("ready");
    System.out.flush();
    String first = null;
    for (String line = in.readLine(); line != null && !line.equals("quit");
        line = in.readLine()) {
      if (!line.startsWith("run ")) {
        throw new IllegalArgumentException("unknown command '" + line + "'");
      }
      int n = Integer.parseInt(line.substring(4).trim());
      ThreadCpu before = ThreadCpu.now();
      for (int i = 0; i < n; i++) {
        long cpu0 = WorkloadRunner.processCpuNanos();
        long main0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long checksum = workload.run(size);
        long wall = System.nanoTime() - t0;
        long main = threads.getCurrentThreadCpuTime() - main0;
        long cpu = WorkloadRunner.processCpuNanos() - cpu0;
        String sum = Long.toHexString(checksum);
        if (first != null && !first.equals(sum)) {
          throw new IllegalStateException(args[0] + " returned checksum " + sum + ", the first run "
              + first);
        }
        first = sum;
        System.out.println("run " + wall + " " + cpu + " " + main + " " + sum);
      }
      // who spent the command's CPU (the agent's own threads among them), then done
      System.out.println(ThreadCpu.format(before.until(ThreadCpu.now())));
      System.out.println("done");
      System.out.flush();
    }
  }
}
