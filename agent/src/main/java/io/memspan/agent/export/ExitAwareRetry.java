package io.memspan.agent.export;

import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;

/**
 * The exporters' retry policy: the SDK's default (up to 5 attempts, backoff from 1 s by 1.5x),
 * except that once the JVM is exiting a connection the endpoint refused, or a host with no route,
 * is not retried. That is a definite answer that nobody takes exports there: the retries would
 * only hold the application's exit, for seconds, and deliver nothing.
 *
 * <p>A connect that timed out is retried as before: the host did not answer, which a collector
 * still starting or behind a firewall being opened does not do for ever. The exit stays bounded
 * all the same: {@link OtelTelemetry#closeBy} returns at the one exit deadline
 * ({@code memspan.export.shutdown.timeout}) whatever is still connecting, and the JVM abandons it.
 * An export that reached a collector is retried as before too.
 */
final class ExitAwareRetry {
  private volatile boolean exiting;

  RetryPolicy policy() {
    return RetryPolicy.getDefault().toBuilder().setRetryExceptionPredicate(this::retryable)
        .build();
  }

  /** From now on a refused connection (or no route) ends the export at once. */
  void exiting() {
    exiting = true;
  }

  /** As memspan's senders treat a missing predicate (every I/O error), but see above. */
  boolean retryable(IOException e) {
    if (!exiting) {
      return true;
    }
    ConnectFailure f = ConnectFailure.of(e);
    return f == null || !f.definite();
  }
}
