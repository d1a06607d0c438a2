package io.memspan.bench.collector;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the page costs with a full embedded store: runs the collector's shaded jar as a child
 * process, fills its store with memspan-shaped spans from the official OTel SDK exporter, then
 * times each query the page makes on every refresh (over HTTP, as the browser does) and reports
 * the heap the store holds per span (live heap after a full GC, before and after loading).
 *
 * <pre>java -cp bench/target/memspan-bench.jar io.memspan.bench.collector.PageQueryBench \
 *     [--jar collector/target/memspan-collector.jar] [--spans 100000] [--threads 16] [--sites 40]
 *     [--rounds 20] [--collector-heap 1g]</pre>
 */
public final class PageQueryBench {
  private static final List<String> PAGE_QUERIES = List.of(
      "/api/stats", "/api/services", "/api/timeseries?buckets=60", "/api/threads?limit=500", "/api/callsites",
      "/api/traces", "/api/spans?attr=thread.name=worker-3&limit=100");

  public static void main(String[] args) throws Exception {
    String jar = "collector/target/memspan-collector.jar";
    int spans = 100_000;
    int threads = 16;
    int sites = 40;
    int rounds = 20;
    String heap = "1g";
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--jar" -> jar = v;
        case "--spans" -> spans = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--sites" -> sites = Integer.parseInt(v);
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--collector-heap" -> heap = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("memspan-page-bench");
    Path ports = work.resolve("ports");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process collector = new ProcessBuilder(java, "-Xmx" + heap, "-jar", jar,
        "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0",
        "--spool", work.resolve("spool").toString(), "--store-capacity", String.valueOf(spans),
        "--ports-file", ports.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("collector.log").toFile()).start();
    try {
      while (!Files.exists(ports)) {
        if (!collector.isAlive()) {
          throw new IllegalStateException("collector exited: " + Files.readString(work.resolve("collector.log")));
        }
        Thread.sleep(50);
      }
      String http = null;
      String ui = null;
      for (String line : Files.readAllLines(ports)) {
        if (line.startsWith("http=")) http = line.substring(5);
        if (line.startsWith("ui=")) ui = line.substring(3);
      }
      long pid = collector.pid();
      long heapBefore = liveHeapKib(pid);

      long t = System.nanoTime();
      send("http://" + http, spans, threads, sites);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://" + ui;
      while (heldSpans(client, base) < spans) Thread.sleep(100);
      double loadSeconds = (System.nanoTime() - t) / 1e9;
      long heapAfter = liveHeapKib(pid);

      System.out.printf(Locale.ROOT, "store: %d spans (%d threads, %d call sites) exported and stored in %.1f s%n",
          spans, threads, sites, loadSeconds);
      System.out.printf(Locale.ROOT, "collector live heap: %d MiB before, %d MiB after; %.0f bytes per stored span%n",
          heapBefore / 1024, heapAfter / 1024, (heapAfter - heapBefore) * 1024.0 / spans);
      System.out.printf(Locale.ROOT, "%-48s %10s %10s %10s %12s%n", "query (as the page makes it)", "p50 ms", "p99 ms",
          "max ms", "bytes");
      long refreshP50 = 0;
      for (String q : PAGE_QUERIES) {
        long[] nanos = new long[rounds];
        int size = 0;
        for (int r = -3; r < rounds; r++) {
          long s = System.nanoTime();
          HttpResponse<byte[]> resp = client.send(HttpRequest.newBuilder(URI.create(base + q)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          long e = System.nanoTime() - s;
          if (resp.statusCode() != 200) throw new IllegalStateException(q + " answered " + resp.statusCode());
          size = resp.body().length;
          if (r >= 0) nanos[r] = e;
        }
        Arrays.sort(nanos);
        long p50 = nanos[rounds / 2];
        if (!q.startsWith("/api/traces") && !q.startsWith("/api/spans")) refreshP50 += p50;
        System.out.printf(Locale.ROOT, "%-48s %10.1f %10.1f %10.1f %12d%n", q, p50 / 1e6,
            nanos[(int) Math.min(rounds - 1, Math.ceil(rounds * 0.99) - 1)] / 1e6, nanos[rounds - 1] / 1e6, size);
      }
      System.out.printf(Locale.ROOT, "one page refresh (stats, services, timeseries, threads, callsites), sequential p50 sum: %.1f ms%n",
          refreshP50 / 1e6);
    } finally {
      collector.destroy();
      collector.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** memspan-shaped operation spans on {@code threads} threads at {@code sites} call sites. */
  private static void send(String endpoint, int spans, int threads, int sites) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "page-bench"))))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(512)
            .setMaxQueueSize(spans + 1024).setScheduleDelay(Duration.ofMillis(50)).build())
        .build()) {
      Tracer tracer = provider.get("memspan");
      long t0 = System.currentTimeMillis() * 1_000_000L - TimeUnit.MINUTES.toNanos(10);
      for (int i = 0; i < spans; i++) {
        int site = i % sites;
        boolean map = site % 2 == 0;
        long start = t0 + i * 6_000L;
        Span s = tracer.spanBuilder(map ? "HashMap.resize" : "ArrayList.grow")
            .setNoParent()
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAttribute("memspan.structure.type", map ? "java.util.HashMap" : "java.util.ArrayList")
            .setAttribute("code.function.name", "com.acme.orders.Stage" + site + ".run")
            .setAttribute("code.file.path", "Stage" + site + ".java")
            .setAttribute("code.line.number", 40L + site)
            .setAttribute("thread.name", "worker-" + (i % threads))
            .setAttribute("thread.id", 30L + i % threads)
            .setAttribute("memspan.tid", 7000L + i % threads)
            .setAttribute("memspan.capacity.before", 1024L + i % 100)
            .setAttribute("memspan.capacity.after", 2048L + i % 100)
            .setAttribute("memspan.size", 1024L + i % 100)
            .setAttribute("memspan.bytes.copied", 4096L + i % 100 * 4)
            .setAttribute("memspan.bytes.allocated", 8192L + i % 100 * 8)
            .setAttribute("memspan.page_faults", (long) (i % 7))
            .setAttribute("memspan.page_faults.kernel", (long) (i % 3 == 0 ? 1 : 0))
            .setAttribute("memspan.mmap.count", 0L)
            .setAttribute("memspan.mmap.bytes", 0L)
            .setAttribute("memspan.kernel.source", "bcc")
            .startSpan();
        s.end(start + 2_000 + i % 50 * 100, TimeUnit.NANOSECONDS);
      }
      provider.forceFlush().join(120, TimeUnit.SECONDS);
    }
  }

  private static final Pattern SPANS = Pattern.compile("\"spans\":(\\d+)");

  private static long heldSpans(HttpClient client, String base) throws Exception {
    String body = client.send(HttpRequest.newBuilder(URI.create(base + "/api/stats")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = SPANS.matcher(body);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** Heap in use right after a full collection, from the JDK's own jcmd. */
  private static long liveHeapKib(long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(jcmd, String.valueOf(pid), "GC.run");
    String info = run(jcmd, String.valueOf(pid), "GC.heap_info");
    Matcher m = USED.matcher(info);
    if (!m.find()) throw new IllegalStateException("no heap figure in: " + info);
    return Long.parseLong(m.group(1));
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
