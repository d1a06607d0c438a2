package io.memspan.collector.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Instant;

/**
 * What an HTTP status means for an export, as the OTLP/HTTP spec says: 429, 502, 503 and 504 are
 * retryable (honouring Retry-After); every other failure is final, so the entry is dropped and
 * counted instead of blocking the forwarder forever.
 */
final class HttpStatusPolicy {
  private HttpStatusPolicy() {}

  /** Judges a non-2xx answer. */
  static Outcome failure(String what, HttpReply reply, ForwarderOptions options) {
    int status = reply.status();
    String explanation = reply.explanation();
    String error = what + " answered HTTP " + status + (explanation.isEmpty() ? "" : ": " + explanation);
    if (status == 429 || status == 502 || status == 503 || status == 504) {
      long delay = RetryAfter.millis(reply.headers().get(HttpHeaderNames.RETRY_AFTER), Instant.now());
      return new Outcome.Retry(error, options.clampRetryDelay(delay));
    }
    return new Outcome.Dropped("http_" + status, error);
  }

  static boolean success(int status) {
    return status >= 200 && status < 300;
  }
}
