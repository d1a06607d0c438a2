package io.memspan.collector.forward;

import java.time.Duration;

/**
 * How forwarders talk to their upstreams.
 *
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param requestTimeout how long to wait for the whole answer to one export request
 * @param gzip compress request bodies (HTTP Content-Encoding, gRPC message compression)
 * @param maxRetryAfter longest Retry-After / RetryInfo delay honoured as given; longer ones are cut
 *     to this, so a misconfigured upstream cannot park a forwarder for days
 */
public record ForwarderOptions(
    Duration connectTimeout, Duration requestTimeout, boolean gzip, Duration maxRetryAfter) {

  static final String USER_AGENT = "memspan-collector";

  public static ForwarderOptions defaults() {
    return new ForwarderOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), true, Duration.ofMinutes(5));
  }

  long clampRetryDelay(long millis) {
    return Math.max(0, Math.min(millis, maxRetryAfter.toMillis()));
  }
}
