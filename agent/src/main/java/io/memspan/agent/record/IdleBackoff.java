package io.memspan.agent.record;

/**
 * How long the poller waits before its next cycle: the shortest wait after a cycle that found work
 * (ops in the threads' rings, records in the kernel's ring), doubling up to a bound after each
 * cycle that found nothing. On these VMs every wake-up costs 25-75 us of CPU whatever the cycle
 * does, so the waits are long (see {@link Poller#BUSY_WAIT_NANOS}); nothing that must be drained
 * sooner waits them out: a thread's op ring filled to half ({@link Recorder#onBacklog}) and the
 * kernel's ring a quarter full ({@link Poller#watchDrainRequests}) wake the poller at once.
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
    waitNanos = foundWork ? minNanos : Math.min(maxNanos, waitNanos * 2);
    return waitNanos;
  }

  /**
   * As {@link #next(boolean)}, but never longer than {@code boundNanos}, which may be shorter than
   * the shortest wait: a kernel ring that cannot wake the poller must be drained on its own
   * clock. The bound caps this wait only; the backoff goes on as without it.
   */
  long next(boolean foundWork, long boundNanos) {
    return Math.min(next(foundWork), Math.max(1, boundNanos));
  }
}
