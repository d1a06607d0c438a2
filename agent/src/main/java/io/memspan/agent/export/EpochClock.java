package io.memspan.agent.export;

import java.time.Instant;

/**
 * Converts {@link System#nanoTime()} readings (CLOCK_MONOTONIC, the clock of
 * {@code bpf_ktime_get_ns()} and of {@code SyscallRecord} timestamps) to epoch nanoseconds, the
 * clock of span timestamps. One offset taken once per process, so every conversion agrees.
 */
public final class EpochClock {
  private EpochClock() {}

  private static final long OFFSET;

  static {
    Instant now = Instant.now();
    long mono = System.nanoTime();
    OFFSET = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
  }

  public static long toEpochNanos(long monotonicNanos) {
    return monotonicNanos + OFFSET;
  }

  public static long nowEpochNanos() {
    return toEpochNanos(System.nanoTime());
  }
}
