package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProbeUnavailableException;
import io.memspan.bpf.SyscallRecord;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ring-buffer consumption per record (goal 25 ns), decoding included: before each invocation
 * {@value #RECORDS} munmap syscalls of an unmapped page fill the ring (untimed); the invocation
 * drains them through {@link MemoryProbe#poll}. Per-op time = invocation / {@value #RECORDS}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RingConsumeBench {
  static final int RECORDS = 10_000;
  /** Far below mmap_min_addr: never mapped, so munmap is a cheap successful no-op. */
  static final long NOTHING_MAPPED = 4096;

  private MemoryProbe probe;
  private Consumer<SyscallRecord> sink;
  private int lastDelivered;

  @Setup(Level.Trial)
  public void open(Blackhole bh) throws ProbeUnavailableException {
    probe = MemoryProbes.bcc(ProbeOptions.defaults());
    sink = bh::consume;
  }

  @Setup(Level.Invocation)
  public void fill() {
    probe.poll(r -> { });
    for (int i = 0; i < RECORDS; i++) {
      Syscalls.munmap(NOTHING_MAPPED, 4096);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    if (probe.stats().recordsLost() > 0) {
      System.out.println("ring lost " + probe.stats().recordsLost() + " records");
    }
    probe.close();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public int drain() {
    lastDelivered = probe.poll(sink);
    return lastDelivered;
  }
}
