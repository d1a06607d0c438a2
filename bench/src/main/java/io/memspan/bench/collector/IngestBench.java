package io.memspan.bench.collector;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-workload ingest benchmark: runs the collector's shaded jar as a child process with its
 * durable spool, drives it with the official OTel SDK span exporter (batches of 512 memspan-shaped
 * spans, several exports in flight), and reports acknowledged spans/s, acknowledgement latency
 * percentiles and the collector's resident memory.
 *
 * <pre>java -cp bench/target/memspan-bench.jar io.memspan.bench.collector.IngestBench \
 *     [--jar collector/target/memspan-collector.jar] [--protocol http|grpc] [--senders 8]
 *     [--warmup 10] [--seconds 30] [--batch 512] [--collector-heap 512m] [--ui off]</pre>
 *
 * {@code --ui off} runs the collector without its page and embedded store, so only the ingest path
 * (receive, decode, spool, fsync, acknowledge) uses its CPU.
 */
public final class IngestBench {
  public static void main(String[] args) throws Exception {
    String jar = "collector/target/memspan-collector.jar";
    String protocol = "http";
    int senders = 8;
    int warmup = 10;
    int seconds = 30;
    int batch = 512;
    String heap = "512m";
    String ui = "127.0.0.1:0";
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--jar" -> jar = v;
        case "--protocol" -> protocol = v;
        case "--senders" -> senders = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--collector-heap" -> heap = v;
        case "--ui" -> ui = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("memspan-ingest-bench");
    Path ports = work.resolve("ports");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process collector = new ProcessBuilder(java, "-Xmx" + heap, "-Xms" + heap, "-jar", jar,
        "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", ui,
        "--spool", work.resolve("spool").toString(), "--spool-max-bytes", "4GiB", "--ports-file", ports.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("collector.log").toFile()).start();
    try {
      while (!Files.exists(ports)) {
        if (!collector.isAlive()) {
          throw new IllegalStateException("collector exited: " + Files.readString(work.resolve("collector.log")));
        }
        Thread.sleep(50);
      }
      String http = null;
      String grpc = null;
      for (String line : Files.readAllLines(ports)) {
        if (line.startsWith("http=")) http = line.substring(5);
        if (line.startsWith("grpc=")) grpc = line.substring(5);
      }
      List<List<SpanData>> batches = makeBatches(64, batch);
      String endpointHttp = "http://" + http + "/v1/traces";
      String endpointGrpc = "http://" + grpc;
      boolean useGrpc = protocol.equals("grpc");

      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ackedSpans = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long[][] latencies = new long[senders][];
      int[] counts = new int[senders];
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < senders; t++) {
        int id = t;
        latencies[t] = new long[1 << 20];
        Thread th = new Thread(() -> {
          SpanExporter exporter = useGrpc
              ? OtlpGrpcSpanExporter.builder().setEndpoint(endpointGrpc).setTimeout(Duration.ofSeconds(30)).build()
              : OtlpHttpSpanExporter.builder().setEndpoint(endpointHttp).setTimeout(Duration.ofSeconds(30)).build();
          int i = id;
          while (!stop.get()) {
            List<SpanData> b = batches.get(i++ % batches.size());
            long t0 = System.nanoTime();
            boolean ok = exporter.export(b).join(30, TimeUnit.SECONDS).isSuccess();
            long dt = System.nanoTime() - t0;
            if (measuring.get()) {
              if (ok) {
                ackedSpans.addAndGet(b.size());
                if (counts[id] < latencies[id].length) latencies[id][counts[id]++] = dt;
              } else {
                failed.incrementAndGet();
              }
            }
          }
          exporter.shutdown().join(10, TimeUnit.SECONDS);
        }, "sender-" + t);
        th.start();
        threads.add(th);
      }
      Thread.sleep(warmup * 1000L);
      long pid = collector.pid();
      long rssMax = 0;
      long rssSum = 0;
      long cpuStart = cpuTicks(pid);
      long selfStart = cpuTicks(ProcessHandle.current().pid());
      measuring.set(true);
      long start = System.nanoTime();
      for (int s = 0; s < seconds; s++) {
        Thread.sleep(1000);
        long rss = rssKib(pid);
        rssMax = Math.max(rssMax, rss);
        rssSum += rss;
      }
      measuring.set(false);
      long elapsed = System.nanoTime() - start;
      long cpuEnd = cpuTicks(pid);
      long selfEnd = cpuTicks(ProcessHandle.current().pid());
      stop.set(true);
      for (Thread th : threads) th.join(60_000);

      int n = 0;
      for (int c : counts) n += c;
      long[] all = new long[n];
      int k = 0;
      for (int t = 0; t < senders; t++) {
        System.arraycopy(latencies[t], 0, all, k, counts[t]);
        k += counts[t];
      }
      Arrays.sort(all);
      double secs = elapsed / 1e9;
      System.out.printf(Locale.ROOT,
          "collector ingest (%s, %d senders, batches of %d spans, durable spool with fsync, collector -Xmx%s, "
              + (ui.equals("off") ? "--ui off: no store" : "embedded store fed") + "):%n"
              + "  acknowledged %.0f spans/s (%d batches in %.1f s, %d failed)%n"
              + "  ack latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
              + "  collector RSS: avg %d MiB, max %d MiB; CPU: collector %.2f cores, exporting client %.2f cores%n"
              + "  host load average at end: %s%n",
          protocol, senders, batch, heap, ackedSpans.get() / secs, n, secs, failed.get(),
          pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), n == 0 ? 0 : all[n - 1] / 1e6,
          rssSum / seconds / 1024, rssMax / 1024, (cpuEnd - cpuStart) / 100.0 / secs,
          (selfEnd - selfStart) / 100.0 / secs, Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      collector.destroy();
      collector.waitFor(30, TimeUnit.SECONDS);
      deleteTree(work);
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }

  private static long rssKib(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /** utime + stime of the process, in clock ticks (USER_HZ = 100 on Linux). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Real SDK spans shaped like memspan's: name, six attributes, service resource. */
  static List<List<SpanData>> makeBatches(int count, int size) {
    List<SpanData> spans = new ArrayList<>(count * size);
    SpanProcessor collect = new SpanProcessor() {
      @Override public void onStart(Context parentContext, ReadWriteSpan span) {}
      @Override public boolean isStartRequired() { return false; }
      @Override public void onEnd(ReadableSpan span) { spans.add(span.toSpanData()); }
      @Override public boolean isEndRequired() { return true; }
    };
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "bench"))))
        .addSpanProcessor(collect).build()) {
      Tracer tracer = provider.get("memspan");
      for (int i = 0; i < count * size; i++) {
        Span s = tracer.spanBuilder(i % 2 == 0 ? "HashMap.resize" : "ArrayList.grow")
            .setAttribute("memspan.structure.type", i % 2 == 0 ? "java.util.HashMap" : "java.util.ArrayList")
            .setAttribute("memspan.capacity.before", 1024L + i % 100)
            .setAttribute("memspan.capacity.after", 2048L + i % 100)
            .setAttribute("memspan.bytes.copied", 8192L)
            .setAttribute("memspan.page_faults", (long) (i % 7))
            .setAttribute("code.function.name", "com.acme.Orders.load")
            .startSpan();
        s.end();
      }
    }
    List<List<SpanData>> out = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      out.add(List.copyOf(spans.subList(b * size, (b + 1) * size)));
    }
    return out;
  }

  private static void deleteTree(Path p) throws Exception {
    if (Files.isDirectory(p)) {
      try (var s = Files.list(p)) {
        for (Path c : s.toList()) deleteTree(c);
      }
    }
    Files.deleteIfExists(p);
  }
}
