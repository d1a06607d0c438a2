package io.memspan.agent.export;

import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;

/**
 * The exporters' retry policy: the SDK's default (up to 5 attempts, backoff from 1 s by 1.5x),
 * except that once the JVM is exiting a connection the endpoint refused (or that could not be
 * made) is not retried. Nobody is listening: the retries would only hold the application's exit,
 * for seconds, and deliver nothing. An export that reached a collector is retried as before.
 */
final class ExitAwareRetry {
  private volatile boolean exiting;

  RetryPolicy policy() {
    return RetryPolicy.getDefault().toBuilder().setRetryExceptionPredicate(this::retryable)
        .build();
  }

  /** From now on a connection failure ends the export at once. */
  void exiting() {
    exiting = true;
  }

  /** As memspan's senders treat a missing predicate (every I/O error), but see above. */
  boolean retryable(IOException e) {
    return !(exiting && connectFailed(e));
  }

  private static boolean connectFailed(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }
}
