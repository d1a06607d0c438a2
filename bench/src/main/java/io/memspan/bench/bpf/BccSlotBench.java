package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProbeUnavailableException;
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
 * What the bcc probe costs an application thread per op: arm + disarm are stores into the mapped
 * slot (goal 15 ns for the pair), reading the op's counters is nine loads (goal 5 ns).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BccSlotBench {
  private MemoryProbe probe;
  private ThreadSlot slot;
  private final SlotCounters counters = new SlotCounters();
  private long opId;

  @Setup(Level.Trial)
  public void open() throws ProbeUnavailableException {
    probe = MemoryProbes.bcc(ProbeOptions.defaults());
    slot = probe.claimCurrentThread();
    if (slot == ThreadSlot.INERT) {
      throw new IllegalStateException("no slot claimed");
    }
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
    return counters.userFaults + counters.mmapBytes;
  }
}
