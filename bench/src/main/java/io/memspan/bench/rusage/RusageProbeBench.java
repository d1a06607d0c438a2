package io.memspan.bench.rusage;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.ThreadSlot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the getrusage fallback costs the application thread: an arm + disarm pair is two
 * {@code getrusage(RUSAGE_THREAD)} calls; reading a finished op is a field copy; reading idle
 * counters is one more getrusage; the whole-process idle walk reads /proc per thread (off the
 * application's path, on the exporter's schedule).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RusageProbeBench {

  private MemoryProbe probe;
  private ThreadSlot slot;
  private final SlotCounters counters = new SlotCounters();
  private long opId;

  @Setup(Level.Trial)
  public void open() {
    probe = MemoryProbes.rusage();
    slot = probe.claimCurrentThread();
  }

  @TearDown(Level.Trial)
  public void close() {
    probe.close();
  }

  @Benchmark
  public void armDisarm() {
    slot.arm(++opId);
    slot.disarm();
  }

  @Benchmark
  public long readOp() {
    slot.readOp(counters);
    return counters.userFaults;
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
