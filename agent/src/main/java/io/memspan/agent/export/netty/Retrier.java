package io.memspan.agent.export.netty;

import io.netty.channel.EventLoop;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Runs one export: attempts, with the SDK's {@link RetryPolicy} (exponential backoff with
 * jitter), all inside one deadline. Backoff waits are timers on the event loop, never a sleeping
 * thread. The outcome is reported exactly once.
 */
final class Retrier<R> {

  /** One attempt; must call {@code done} exactly once, with a response or an error. */
  interface Attempt<R> {
    void run(long deadlineNanos, BiConsumer<R, Throwable> done);
  }

  private final EventLoop loop;
  private final RetryPolicy policy;
  private final Predicate<R> retryableResponse;
  private final Attempt<R> attempt;
  private final BiConsumer<R, Throwable> outcome;
  private final long deadlineNanos;

  Retrier(EventLoop loop, RetryPolicy policy, long timeoutNanos, Predicate<R> retryableResponse,
      Attempt<R> attempt, BiConsumer<R, Throwable> outcome) {
    this.loop = loop;
    this.policy = policy;
    this.retryableResponse = retryableResponse;
    this.attempt = attempt;
    this.outcome = outcome;
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
  }

  void start() {
    loop.execute(() -> run(1));
  }

  private void run(int n) {
    attempt.run(deadlineNanos, (response, error) -> {
      if (shouldRetry(n, response, error)) {
        long backoff = backoffNanos(n);
        if (System.nanoTime() + backoff < deadlineNanos) {
          loop.schedule(() -> run(n + 1), backoff, TimeUnit.NANOSECONDS);
          return;
        }
      }
      outcome.accept(response, error);
    });
  }

  private boolean shouldRetry(int n, R response, Throwable error) {
    if (policy == null || n >= policy.getMaxAttempts()) {
      return false;
    }
    if (error == null) {
      return retryableResponse.test(response);
    }
    if (!(error instanceof IOException)) {
      return false;
    }
    Predicate<IOException> p = policy.getRetryExceptionPredicate();
    return p == null || p.test((IOException) error);
  }

  private long backoffNanos(int n) {
    double base = policy.getInitialBackoff().toNanos()
        * Math.pow(policy.getBackoffMultiplier(), n - 1);
    long capped = (long) Math.min(base, policy.getMaxBackoff().toNanos());
    return ThreadLocalRandom.current().nextLong(Math.max(1, capped));
  }
}
