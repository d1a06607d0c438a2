package io.memspan.bench.ab;

import java.util.List;

/**
 * One child JVM of the A/B: which round and slot of that round it ran in, which workload and
 * configuration, its whole-process wall and CPU time (start to reaped), the host's 1-minute load
 * average when it started, and the iterations it reported.
 */
public record ChildRun(int round, int slot, String workload, String mode, long processWallNanos,
    long processCpuNanos, double load1, List<IterationLine> iterations) {

  public ChildRun {
    iterations = List.copyOf(iterations);
    if (iterations.isEmpty() || !iterations.get(0).phase().equals(IterationLine.COLD)) {
      throw new IllegalArgumentException(workload + ", " + mode + ", round " + round
          + ": the first iteration must be the cold one, got " + iterations);
    }
  }

  public IterationLine cold() {
    return iterations.get(0);
  }

  public List<IterationLine> steady() {
    return iterations.stream().filter(i -> i.phase().equals(IterationLine.STEADY)).toList();
  }

  /** The checksums every iteration returned, distinct (one, unless a result changed). */
  public List<String> checksums() {
    return iterations.stream().map(IterationLine::checksum).distinct().toList();
  }
}
