package io.memspan.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.receive.BodyBudget;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many large uploads at once get 503 instead of exhausting the heap, and the budget comes back. */
class BodyBudgetTest {
  @TempDir Path dir;

  @Test
  void concurrentLargeBodiesBeyondTheBudgetAreRefusedWith503() throws Exception {
    BodyBudget budget = new BodyBudget(3L << 20); // 3 MiB for all bodies together
    try (Collector collector = Collector.start(CollectorConfig.ephemeral(dir.resolve("spool")), budget)) {
      int port = collector.httpAddress().getPort();
      List<Socket> uploads = new ArrayList<>();
      try {
        // Four connections each start a 2 MiB upload and send 1 MiB of it, then wait: 4 MiB against
        // a 3 MiB budget, so at least one of them must be refused (which ones depends on the order
        // in which the server reads their chunks).
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket("127.0.0.1", port);
          uploads.add(s);
          OutputStream out = s.getOutputStream();
          out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
              + "Content-Length: " + (2 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(new byte[1 << 20]);
          out.flush();
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "overloaded") < 1
            && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        Thread.sleep(300);
        int refused = 0;
        for (Socket s : uploads) {
          s.setSoTimeout(300);
          try {
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 503", head);
            refused++;
          } catch (java.net.SocketTimeoutException stillReading) {
            // accepted so far: the upload is in progress
          }
        }
        assertTrue(refused >= 1 && refused < 4, refused + " of 4 uploads refused");
        assertEquals(refused, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "overloaded"));
      } finally {
        for (Socket s : uploads) {
          s.close();
        }
      }
      // Closed connections give their share back: a normal export goes through again.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (budget.available() != budget.capacity() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(budget.capacity(), budget.available());
      try (OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + port + "/v1/traces").build()) {
        assertTrue(SdkClients.acked(exporter.export(SdkClients.spans("svc", "x", 10)), 20));
      }
      assertEquals(budget.capacity(), budget.available(), "a finished request holds nothing");
    }
  }
}
