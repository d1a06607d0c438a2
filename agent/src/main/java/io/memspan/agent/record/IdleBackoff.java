package io.memspan.agent.record;

/**
 * How long the poller waits before its next cycle. While cycles find work (ops in the threads'
 * rings, records in the kernel's ring) it stays at the shortest wait, so rings are drained
 * promptly under load; each cycle that finds nothing doubles the wait up to a bound, so an idle
 * agent wakes ~30 times a second instead of ~1,000 (on a VM each wake-up costs 25-45 us of CPU
 * whatever the cycle does), ~8 times without a kernel ring. The bound is what sizes the rings: the kernel ring must hold a bound's
 * worth of syscall records (the default 4 MiB holds ~47,000 88-byte records: 1.5 million syscalls
 * a second for 32 ms), and a thread's op ring that fills to half wakes the poller at once (see
 * {@link Recorder#onBacklog}), so a burst of ops never waits out a long sleep.
 */
final class IdleBackoff {
  private final long minNanos;
  private final long maxNanos;
  private long waitNanos;

  IdleBackoff(long minNanos, long maxNanos) {
    if (minNanos <= 0 || maxNanos < minNanos) {
      throw new IllegalArgumentException("need 0 < min <= max, got " + minNanos + ", " + maxNanos);
    }
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.waitNanos = minNanos;
  }

  /** The wait before the next cycle, given whether the cycle just run found work. */
  long next(boolean foundWork) {
    return next(foundWork, maxNanos);
  }

  /**
   * As {@link #next(boolean)}, with a bound of its own for this wait (at most the constructor's):
   * the poller waits longer while no kernel ring has to be drained in time.
   */
  long next(boolean foundWork, long boundNanos) {
    long bound = Math.max(minNanos, Math.min(maxNanos, boundNanos));
    waitNanos = foundWork ? minNanos : Math.min(bound, waitNanos * 2);
    return waitNanos;
  }
}
