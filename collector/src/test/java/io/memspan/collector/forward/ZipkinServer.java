package io.memspan.collector.forward;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The real Zipkin server ({@code io.zipkin:zipkin-server:3.6.1:exec}, copied into
 * {@code target/zipkin} by the build) on a free loopback port with in-memory storage.
 */
final class ZipkinServer implements AutoCloseable {
  static final Path JAR = Path.of("target", "zipkin", "zipkin-server.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ZipkinServer(Path workDir) throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath()
        + " is missing: the build copies it in pre-integration-test (run through mvn verify)");
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    log = workDir.resolve("zipkin-" + port + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toString(),
        "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + port,
        "--armeria.ports[0].protocols[0]=http", "--logging.level.root=WARN")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      assertTrue(process.isAlive(), "zipkin exited:\n" + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "zipkin not healthy after 120 s:\n" + Files.readString(log));
      try {
        HttpResponse<String> r = get("/health");
        if (r.statusCode() == 200 && r.body().contains("UP")) {
          break;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until Zipkin returns {@code spans} spans for the trace (it indexes asynchronously). */
  JsonNode trace(String traceId, int spans) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("/api/v2/trace/" + traceId);
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200) {
        JsonNode node = JSON.readTree(r.body());
        if (node.size() >= spans) {
          return node;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("zipkin has no trace " + traceId + " with " + spans + " spans; last answer: " + last);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
