package io.memspan.bench.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memspan.bench.cli.HttpGet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real memspan collector on free loopback ports, started from the built jar, for the tests. */
final class TestCollector implements AutoCloseable {

  private final Process process;
  private final Map<String, String> ports = new HashMap<>();
  private final Path dir;
  private final HttpGet http = new HttpGet(null);

  TestCollector() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("memspan-it-collector");
    Path jar = Launcher.home().resolve("collector/target/memspan-collector.jar");
    process = new ProcessBuilder(Launcher.java(), "-jar", jar.toString(), "--http", "127.0.0.1:0",
        "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0", "--spool", dir.resolve("spool").toString(),
        "--ports-file", dir.resolve("ports").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(dir.resolve("ports"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("collector did not start:\n" + Files.readString(dir.resolve("log")));
      }
      Thread.sleep(50);
    }
    for (String line : Files.readAllLines(dir.resolve("ports"))) {
      int eq = line.indexOf('=');
      ports.put(line.substring(0, eq), line.substring(eq + 1));
    }
  }

  String otlpHttp() {
    return "http://" + ports.get("http");
  }

  /** Spans of {@code service} in the collector's store (the query API on the page's port). */
  JsonNode spans(String service) throws IOException {
    HttpGet.Response r = http.get(URI.create("http://" + ports.get("ui") + "/api/spans?service=" + service
        + "&limit=10000"), 10_000);
    if (r.status() != 200) {
      throw new IOException("query API answered " + r.status() + ": " + r.body());
    }
    return new ObjectMapper().readTree(r.body()).path("spans");
  }

  /** Waits up to {@code seconds} for at least one span of {@code service}; returns them. */
  JsonNode awaitSpans(String service, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    JsonNode spans = spans(service);
    while (spans.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      spans = spans(service);
    }
    return spans;
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("log"));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    http.close();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
