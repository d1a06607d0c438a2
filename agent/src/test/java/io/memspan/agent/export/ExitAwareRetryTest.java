package io.memspan.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
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
  void aConnectTimeoutIsRetriedAtExitTooButNoRouteIsNot() {
    ExitAwareRetry retry = new ExitAwareRetry();
    Predicate<IOException> retryable = retry.policy().getRetryExceptionPredicate();
    ConnectTimeoutException silent = new ConnectTimeoutException(
        "connection timed out after 400 ms: /127.0.0.1:4318");
    NoRouteToHostException noRoute = new NoRouteToHostException("No route to host");
    retry.exiting();
    assertTrue(retryable.test(silent), "a host that did not answer may yet: the exit bounds it");
    assertTrue(retryable.test(new IOException("connect failed", silent)));
    assertFalse(retryable.test(noRoute), "no route is a definite answer, like a refusal");
  }

  @Test
  void connectFailuresAreToldApartInWords() {
    assertEquals(ConnectFailure.TIMED_OUT, ConnectFailure.of(new IOException(
        new ConnectTimeoutException("connection timed out after 400 ms"))));
    assertEquals(ConnectFailure.REFUSED, ConnectFailure.of(new ConnectException(
        "Connection refused")));
    assertEquals(ConnectFailure.UNREACHABLE, ConnectFailure.of(new java.net.SocketException(
        "Network is unreachable")));
    assertEquals(null, ConnectFailure.of(new SocketTimeoutException("no response within 1 s")),
        "a connected collector that is slow to respond is no connect failure");
    assertEquals("nothing listening at collector:4318",
        ConnectFailure.REFUSED.describe("collector:4318", 10_000));
    assertEquals("collector at collector:4318 did not answer within 10000 ms",
        ConnectFailure.TIMED_OUT.describe("collector:4318", 10_000));
    assertEquals("no route to collector:4318",
        ConnectFailure.UNREACHABLE.describe("collector:4318", 10_000));
    assertEquals("otel:4318", ConnectFailure.authority(URI.create("http://otel:4318/v1/traces")));
    assertEquals("otel:443", ConnectFailure.authority(URI.create("https://otel/v1/traces")));
    assertEquals("otel:80", ConnectFailure.authority(URI.create("http://otel")));
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
