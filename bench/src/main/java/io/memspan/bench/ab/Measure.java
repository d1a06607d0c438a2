package io.memspan.bench.ab;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The figures the A/B compares, each taken from one child run in nanoseconds: the whole process
 * (what a one-shot job costs, agent start-up and exit included), the first run of the workload in
 * the fresh JVM (the agent's one-off start-up work that overlaps it lands here), and the median
 * steady run (the per-operation cost once start-up is over). Each as wall time and as the CPU
 * time of the whole process (user + system, every thread).
 */
public enum Measure {
  PROCESS_WALL("process wall", r -> r.processWallNanos()),
  PROCESS_CPU("process CPU", r -> r.processCpuNanos()),
  FIRST_WALL("first run wall", r -> r.cold().wallNanos()),
  FIRST_CPU("first run CPU", r -> r.cold().cpuNanos()),
  STEADY_WALL("steady run wall", r -> medianOf(r.steady(), IterationLine::wallNanos)),
  STEADY_CPU("steady run CPU", r -> medianOf(r.steady(), IterationLine::cpuNanos));

  private final String label;
  private final ToLongFunction<ChildRun> nanos;

  Measure(String label, ToLongFunction<ChildRun> nanos) {
    this.label = label;
    this.nanos = nanos;
  }

  public String label() {
    return label;
  }

  /** Whether a run has this figure (steady ones need steady iterations). */
  public boolean presentIn(ChildRun run) {
    return !(this == STEADY_WALL || this == STEADY_CPU) || !run.steady().isEmpty();
  }

  public double nanosOf(ChildRun run) {
    return nanos.applyAsLong(run);
  }

  private static long medianOf(List<IterationLine> steady, ToLongFunction<IterationLine> f) {
    return Math.round(PairedStats.median(steady.stream().mapToDouble(f::applyAsLong).toArray()));
  }
}
