package io.memspan.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ExitAwareRetryTest {

  @Test
  void aRefusedConnectionIsRetriedUntilTheJvmExits() {
    ExitAwareRetry retry = new ExitAwareRetry();
    RetryPolicy policy = retry.policy();
    Predicate<IOException> retryable = policy.getRetryExceptionPredicate();
    ConnectException refused = new ConnectException("Connection refused");
    IOException wrapped = new IOException("connect failed", refused);
    IOException reset = new IOException("connection closed before the response");
    SocketTimeoutException slow = new SocketTimeoutException("no response within 700 ms");

    assertTrue(retryable.test(refused), "a collector may be restarting");
    assertTrue(retryable.test(wrapped));
    retry.exiting();
    assertFalse(retryable.test(refused), "at exit nobody listening means no export");
    assertFalse(retryable.test(wrapped));
    assertTrue(retryable.test(reset), "a collector that was reached is retried as before");
    assertTrue(retryable.test(slow));
  }

  @Test
  void otherwiseTheSdkDefaults() {
    RetryPolicy p = new ExitAwareRetry().policy();
    RetryPolicy d = RetryPolicy.getDefault();
    assertEquals(d.getMaxAttempts(), p.getMaxAttempts());
    assertEquals(d.getInitialBackoff(), p.getInitialBackoff());
    assertEquals(d.getMaxBackoff(), p.getMaxBackoff());
    assertEquals(d.getBackoffMultiplier(), p.getBackoffMultiplier());
  }
}
