package io.memspan.agent.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The spans-per-second cap, as a generic cell rate limiter: one CAS per kept op, no lock, bursts
 * up to one second's worth.
 */
final class SpanBudget {
  private final long intervalNanos;
  private final long burstNanos;
  private final AtomicLong theoreticalArrival = new AtomicLong(System.nanoTime() - 2_000_000_000L);
  /** No span is sent at all (span export off): there is nothing to cap. */
  private volatile boolean lifted;

  SpanBudget(long perSecond) {
    this.intervalNanos = perSecond <= 0 ? Long.MAX_VALUE : Math.max(1, 1_000_000_000L / perSecond);
    this.burstNanos = 1_000_000_000L;
  }

  /** From now on every op is within the budget. */
  void lift() {
    lifted = true;
  }

  boolean tryAcquire(long nowNanos) {
    if (lifted) {
      return true;
    }
    if (intervalNanos == Long.MAX_VALUE) {
      return false;
    }
    while (true) {
      long tat = theoreticalArrival.get();
      long base = tat - nowNanos > 0 ? tat : nowNanos;
      if (base - nowNanos > burstNanos - intervalNanos) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(tat, base + intervalNanos)) {
        return true;
      }
    }
  }
}
