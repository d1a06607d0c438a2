package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
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
 * What a probe costs an application thread per op, whatever its kind: one probe per trial, this
 * thread's slot, and the two calls the agent makes on every armed op. A subclass says which probe;
 * JMH runs each subclass as its own benchmark ({@code BccSlotBench.readOp}, ...).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class ThreadSlotBench {
  protected MemoryProbe probe;
  protected ThreadSlot slot;
  protected final SlotCounters counters = new SlotCounters();
  private long opId;

  /** The probe under test, opened once per trial. */
  protected abstract MemoryProbe openProbe() throws ProbeUnavailableException;

  @Setup(Level.Trial)
  public void open() throws ProbeUnavailableException {
    probe = openProbe();
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
