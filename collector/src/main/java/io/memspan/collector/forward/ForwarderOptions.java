package io.memspan.collector.forward;

import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;

/**
 * How forwarders talk to their upstreams.
 *
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param requestTimeout how long to wait for the whole answer to one export request
 * @param gzip compress request bodies (HTTP Content-Encoding, gRPC message compression)
 * @param maxRetryAfter longest Retry-After / RetryInfo delay honoured as given; longer ones are cut
 *     to this, so a misconfigured upstream cannot park a forwarder for days
 * @param trust the certificates an {@code https://} upstream must chain to; null means the JVM's
 *     default trust store ({@code cacerts}, or {@code -Djavax.net.ssl.trustStore=...})
 * @param upstreamHeaders extra headers on every OTLP upstream request (not on Zipkin's)
 */
public record ForwarderOptions(
    Duration connectTimeout,
    Duration requestTimeout,
    boolean gzip,
    Duration maxRetryAfter,
    TrustManagerFactory trust,
    UpstreamHeaders upstreamHeaders) {

  static final String USER_AGENT = "memspan-collector";

  public static ForwarderOptions defaults() {
    return new ForwarderOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), true, Duration.ofMinutes(5), null,
        UpstreamHeaders.NONE);
  }

  public ForwarderOptions withUpstreamHeaders(UpstreamHeaders headers) {
    return new ForwarderOptions(connectTimeout, requestTimeout, gzip, maxRetryAfter, trust, headers);
  }

  long clampRetryDelay(long millis) {
    return Math.max(0, Math.min(millis, maxRetryAfter.toMillis()));
  }

  /** A TLS client context that verifies the upstream's certificate chain and host name. */
  SslContextBuilder tlsClient() {
    return SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS");
  }
}
