package io.memspan.agent.export.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** A stalled collector cannot make the sender hold more than its in-flight limit. */
class InFlightBoundTest {

  @Test
  void sendsBeyondTheLimitFailAtOnceWhileTheCollectorStalls() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      rx.hang(true);
      SenderLimits.maxInFlight(2);
      HttpSender sender = new NettyHttpSenderProvider().createSender(config(rx.endpoint()));
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 5; i++) {
        sender.send(message(), r -> { }, errors::add);
      }
      // Three refused synchronously, before any network I/O.
      assertEquals(3, errors.size(), errors.toString());
      for (Throwable t : errors) {
        assertTrue(t.getMessage().startsWith("too many exports in flight (2)"), t.getMessage());
      }
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (errors.size() < 5 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      // The two on the wire time out at the deadline; then the sender takes new work again.
      assertEquals(5, errors.size(), errors.toString());
      assertTrue(errors.get(4).getMessage().contains("within 1000 ms"), errors.get(4).toString());
      assertEquals(2, rx.attempts());
      rx.hang(false);
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      sender.send(message(), r -> statuses.add(r.getStatusCode()), errors::add);
      end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (statuses.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertEquals(List.of(404), statuses, "the receiver answers unknown paths with 404");
      sender.shutdown();
    } finally {
      SenderLimits.maxInFlight(4);
    }
  }

  private static MessageWriter message() {
    return new MessageWriter() {
      @Override
      public void writeMessage(OutputStream out) throws java.io.IOException {
        out.write(new byte[] {1, 2, 3});
      }

      @Override
      public int getContentLength() {
        return 3;
      }
    };
  }

  private static HttpSenderConfig config(String endpoint) {
    return new HttpSenderConfig() {
      @Override public URI getEndpoint() { return URI.create(endpoint + "/v1/nowhere"); }
      @Override public String getContentType() { return "application/x-protobuf"; }
      @Override public Compressor getCompressor() { return null; }
      @Override public Duration getTimeout() { return Duration.ofMillis(1000); }
      @Override public Duration getConnectTimeout() { return Duration.ofMillis(1000); }
      @Override public Supplier<Map<String, List<String>>> getHeadersSupplier() { return Map::of; }
      @Override public ProxyOptions getProxyOptions() { return null; }
      @Override public RetryPolicy getRetryPolicy() { return null; }
      @Override public SSLContext getSslContext() { return null; }
      @Override public X509TrustManager getTrustManager() { return null; }
      @Override public ExecutorService getExecutorService() { return null; }
    };
  }
}
