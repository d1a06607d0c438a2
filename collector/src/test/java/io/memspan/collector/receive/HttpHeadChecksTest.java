package io.memspan.collector.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.Collector;
import io.memspan.collector.CollectorConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the receiver decides from a request head alone: the token, and Expect: 100-continue. */
class HttpHeadChecksTest {
  private static final String TOKEN = "s3cret-token";
  private static final int LIMIT = 1 << 20;

  @TempDir Path dir;
  Collector collector;

  @BeforeEach
  void start() throws Exception {
    CollectorConfig c = CollectorConfig.ephemeral(dir.resolve("spool"));
    collector = Collector.start(new CollectorConfig(c.http(), c.grpc(), c.ui(), c.spoolDir(), c.spoolMaxBytes(),
        LIMIT, 10_000, List.of(), c.upstreamProtocol(), List.of(), null, TOKEN, null, 10_000));
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  private Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", collector.httpAddress().getPort());
    s.setSoTimeout(5_000);
    return s;
  }

  private static void write(Socket s, String head) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one response head (up to the blank line); a read timeout fails the test. */
  private static String readHead(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private static String readAll(Socket s) throws Exception {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private double rejected(String reason) {
    return collector.metrics().value("memspan_collector_rejected_requests_total", "reason", reason);
  }

  private static String head(String auth, long length, boolean expectContinue) {
    return "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + (auth == null ? "" : "Authorization: " + auth + "\r\n")
        + (expectContinue ? "Expect: 100-continue\r\n" : "")
        + "Content-Length: " + length + "\r\n\r\n";
  }

  @Test
  void wrongTokenIsRefusedOnTheHeadBeforeAnyBodyIsSent() throws Exception {
    try (Socket s = connect()) {
      write(s, head("Bearer nope", LIMIT, false)); // the body never comes
      String response = readAll(s);
      assertTrue(response.startsWith("HTTP/1.1 401"), response);
      assertTrue(response.contains("www-authenticate: Bearer"), response);
      assertTrue(response.contains("wrong bearer token"), response);
    }
    try (Socket s = connect()) {
      write(s, head(null, 100, false));
      String response = readAll(s);
      assertTrue(response.startsWith("HTTP/1.1 401"), response);
      assertTrue(response.contains("missing Authorization"), response);
    }
    assertEquals(2, rejected("unauthenticated"));
  }

  @Test
  void expectContinueWithAWrongTokenGets401NotContinue() throws Exception {
    try (Socket s = connect()) {
      write(s, head("Bearer nope", 100, true));
      String response = readAll(s);
      assertTrue(response.startsWith("HTTP/1.1 401"), response);
      assertTrue(response.contains("wrong bearer token"), response);
    }
    assertEquals(1, rejected("unauthenticated"));
  }

  @Test
  void expectContinueOverTheLimitGetsTheNamed413AndIsCounted() throws Exception {
    try (Socket s = connect()) {
      write(s, head("Bearer " + TOKEN, LIMIT + 1L, true));
      String response = readAll(s);
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.contains("larger than the limit of " + LIMIT + " bytes"), response);
    }
    assertEquals(1, rejected("too_large"));
  }

  @Test
  void expectContinueWithinTheLimitIsContinuedAndAcknowledged() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = connect()) {
      write(s, head("Bearer " + TOKEN, body.length, true));
      assertTrue(readHead(s).startsWith("HTTP/1.1 100"));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      String ok = readHead(s);
      assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
    }
    assertEquals(0, rejected("too_large"));
  }
}
