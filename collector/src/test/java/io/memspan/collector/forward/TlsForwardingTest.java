package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.entry;
import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.TlsServerCredentials;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.RetryLaterException;
import io.memspan.collector.spool.SpoolEntry;
import io.netty.handler.ssl.SslContextBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https:// upstreams: the certificate chain and the host name are verified, HTTP/1.1 runs over TLS
 * and gRPC negotiates h2 with ALPN, against a Netty HTTPS server and grpc-java's TLS server.
 */
class TlsForwardingTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir static Path dir;
  static KeyManagerFactory keys;
  static TrustManagerFactory trust;
  private final Metrics metrics = new Metrics();

  /** A self-signed certificate for 127.0.0.1 only (no "localhost"), made with the JDK's keytool. */
  @BeforeAll
  static void certificate() throws Exception {
    Path store = dir.resolve("upstream.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=memspan test upstream", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertEquals(0, keytool.waitFor(), out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(ks, PASSWORD);
    trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(ks);
  }

  private static ForwarderOptions options(TrustManagerFactory trust) {
    return new ForwarderOptions(Duration.ofSeconds(2), Duration.ofSeconds(3), true, Duration.ofMinutes(5), trust, UpstreamHeaders.NONE);
  }

  @Test
  void httpsUpstreamGetsTheRequestOverVerifiedTls() throws Exception {
    try (HttpReceiver upstream = new HttpReceiver(SslContextBuilder.forServer(keys).build()).start()) {
      String url = "https://127.0.0.1:" + upstream.port();
      SpoolEntry e = entry(0, trace(randomId(16), 2));
      try (Forwarder f = Forwarders.create(List.of(url), "http/protobuf", null, metrics, options(trust)).get(0)) {
        f.deliver(e);
        assertEquals(1, f.stats().forwardedRequests());
      }
      assertArrayEquals(e.payload(), upstream.received.get(0).body());

      // The JVM's default trust store does not know this certificate: refused, kept for retry.
      try (Forwarder f = Forwarders.create(List.of(url), "http/protobuf", null, metrics, options(null)).get(0)) {
        RetryLaterException refused = assertThrows(RetryLaterException.class, () -> f.deliver(e));
        assertTrue(refused.getMessage().contains("SSLHandshakeException"), refused.getMessage());
      }
      // The certificate names 127.0.0.1 only: "localhost" fails host name verification.
      String byName = "https://localhost:" + upstream.port();
      try (Forwarder f = Forwarders.create(List.of(byName), "http/protobuf", null, metrics, options(trust)).get(0)) {
        RetryLaterException wrongName = assertThrows(RetryLaterException.class, () -> f.deliver(e));
        assertTrue(wrongName.getMessage().contains("SSLHandshakeException"), wrongName.getMessage());
      }
      assertEquals(1, upstream.received.size(), "nothing reached the upstream over an unverified connection");
    }
  }

  @Test
  void grpcOverTlsNegotiatesHttp2WithAlpn() throws Exception {
    try (GrpcReceiver upstream =
        new GrpcReceiver(TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build()).start()) {
      ExportTraceServiceRequest request = trace(randomId(16), 3);
      String url = "https://127.0.0.1:" + upstream.port();
      try (Forwarder f = Forwarders.create(List.of(url), "grpc", null, metrics, options(trust)).get(0)) {
        f.deliver(entry(0, request));
        assertEquals(4, f.stats().forwardedSpans());
      }
      assertEquals(List.of(request), upstream.traces);
    }
  }
}
