package io.memspan.bench.rusage;

import io.memspan.bench.bpf.ThreadSlotBench;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * What the getrusage fallback costs the application thread: an arm + disarm pair is two
 * {@code getrusage(RUSAGE_THREAD)} calls; reading a finished op is a field copy; reading idle
 * counters is one more getrusage; the whole-process idle walk reads /proc per thread (off the
 * application's path, on the exporter's schedule).
 */
public class RusageProbeBench extends ThreadSlotBench {

  @Override
  protected MemoryProbe openProbe() {
    return MemoryProbes.rusage();
  }

  @Benchmark
  public long readIdle() {
    slot.readIdle(counters);
    return counters.userFaults;
  }

  @Benchmark
  public long forEachIdleThread() {
    long[] sum = new long[1];
    probe.forEachIdleThread((tid, idle) -> sum[0] += idle.userFaults);
    return sum[0];
  }
}
