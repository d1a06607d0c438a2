package io.memspan.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.Spool;
import io.memspan.collector.spool.SpoolEntry;
import io.memspan.collector.spool.SpoolReader;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise, end to end: `memspan collector` (the launcher, exec'ing the shaded jar)
 * under load from the official OTel SDK exporters is killed with SIGKILL; after a restart every
 * span whose export was acknowledged is in the spool and queryable from the embedded store.
 */
class KillNineIT {
  @TempDir Path dir;

  static final class Child {
    final Process process;
    final Path log;
    final Map<String, String> ports = new HashMap<>();

    Child(Path spool, Path work, String name) throws Exception {
      Path repo = Path.of(System.getProperty("user.dir")).getParent();
      Path portsFile = work.resolve(name + ".ports");
      log = work.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(repo.resolve("memspan").toString(), "collector",
          "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0",
          "--spool", spool.toString(), "--ports-file", portsFile.toString());
      pb.environment().put("MEMSPAN_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      process = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(portsFile)) {
        assertTrue(process.isAlive(), "collector exited: " + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "no ports file; log:\n" + Files.readString(log));
        Thread.sleep(50);
      }
      for (String line : Files.readAllLines(portsFile)) {
        String[] kv = line.split("=", 2);
        ports.put(kv[0], kv[1]);
      }
    }
  }

  @Test
  void sigkillUnderLoadLosesNothingAcknowledged() throws Exception {
    Path spool = dir.resolve("spool");
    Child first = new Child(spool, dir, "first");

    // Load: four exporter threads (two HTTP/protobuf, two gRPC), batches of 512 spans, no retries,
    // so a batch counts as acknowledged only if the collector itself said so.
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Map<String, String> traceOf = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      boolean grpc = t % 2 == 1;
      int id = t;
      Thread th = new Thread(() -> {
        SpanExporter exporter = grpc
            ? OtlpGrpcSpanExporter.builder().setEndpoint("http://" + first.ports.get("grpc"))
                .setRetryPolicy(null).setTimeout(Duration.ofSeconds(5)).build()
            : OtlpHttpSpanExporter.builder().setEndpoint("http://" + first.ports.get("http") + "/v1/traces")
                .setRetryPolicy(null).setTimeout(Duration.ofSeconds(5)).build();
        int batch = 0;
        while (!stop.get()) {
          List<SpanData> spans = SdkClients.spans("kill9", "t" + id + "b" + batch++ + "#", 512);
          CompletableResultCode r = exporter.export(spans).join(10, TimeUnit.SECONDS);
          if (r.isSuccess()) {
            for (SpanData s : spans) {
              acked.add(s.getSpanId());
              traceOf.put(s.getSpanId(), s.getTraceId());
            }
          }
        }
        exporter.shutdown().join(5, TimeUnit.SECONDS);
      }, "sender-" + t);
      th.start();
      senders.add(th);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < 20 * 512 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    first.process.destroyForcibly(); // SIGKILL, mid-load
    assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
    assertEquals(137, first.process.exitValue(), "killed by SIGKILL");
    stop.set(true);
    for (Thread th : senders) {
      th.join(30_000);
    }
    Set<String> ackedAtKill = Set.copyOf(acked);
    assertTrue(ackedAtKill.size() >= 20 * 512, "load produced only " + ackedAtKill.size() + " acknowledged spans");

    // Restart on the same spool: everything acknowledged is queryable again from the store.
    Child second = new Child(spool, dir, "second");
    HttpClient http = HttpClient.newHttpClient();
    String ui = "http://" + second.ports.get("ui");
    List<String> sample = new ArrayList<>(ackedAtKill).subList(0, 200);
    for (String spanId : sample) {
      String url = ui + "/api/traces/" + traceOf.get(spanId) + "/spans/" + spanId;
      HttpResponse<String> r = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until) {
        r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          break;
        }
        Thread.sleep(50); // the store is still being refilled from the spool
      }
      assertNotNull(r);
      assertEquals(200, r.statusCode(), url + " -> " + r.body());
      assertTrue(r.body().contains(spanId));
    }

    // Clean shutdown on SIGTERM, then every acknowledged span must be in the spool itself.
    second.process.destroy();
    assertTrue(second.process.waitFor(30, TimeUnit.SECONDS), "SIGTERM did not stop the collector");
    assertEquals(143, second.process.exitValue(), "a clean SIGTERM stop exits 128+15, as --help says");
    assertTrue(Files.readString(second.log).contains("event=stopped"), Files.readString(second.log));
    Set<String> spooled = ConcurrentHashMap.newKeySet();
    try (Spool s = Spool.open(spool, 1L << 30, Spool.defaultSegmentBytes(1L << 30), new Metrics());
        SpoolReader r = s.reader(0)) {
      for (SpoolEntry e; (e = r.next()) != null; ) {
        if (e.signal() == Signal.TRACES) {
          ExportTraceServiceRequest.parseFrom(e.payload()).getResourceSpansList().forEach(rs ->
              rs.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(sp ->
                  spooled.add(HexFormat.of().formatHex(sp.getSpanId().toByteArray())))));
        }
      }
    }
    List<String> lost = ackedAtKill.stream().filter(id -> !spooled.contains(id)).limit(5).toList();
    assertTrue(lost.isEmpty(), "acknowledged but lost: " + lost + " of " + ackedAtKill.size());
    System.out.println("kill -9: acknowledged spans " + ackedAtKill.size() + ", spooled after restart " + spooled.size()
        + "; recovery: " + Files.readAllLines(second.log).stream().filter(l -> l.contains("spool_")).toList());
  }
}
