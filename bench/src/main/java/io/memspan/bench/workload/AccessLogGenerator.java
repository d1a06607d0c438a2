package io.memspan.bench.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a deterministic web-server access log (combined log format): the same seed gives the
 * same file, so the demo's output is the same on every run and only its memory costs vary.
 */
final class AccessLogGenerator {

  static final String[] ENDPOINTS = {
    "/api/orders", "/api/orders/{id}", "/api/cart", "/api/cart/items", "/api/search",
    "/api/users/{id}", "/api/login", "/api/logout", "/static/app.js", "/static/app.css",
    "/healthz", "/metrics", "/api/recommendations", "/api/inventory/{sku}", "/api/payments",
    "/api/shipping/quote",
  };
  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  private static final int[] STATUSES = {200, 200, 200, 200, 201, 204, 304, 400, 404, 500, 503};
  private static final String[] AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "Mozilla/5.0 (Macintosh) Safari/17.4",
    "curl/8.5.0", "okhttp/4.12.0", "Go-http-client/2.0", "kube-probe/1.30",
  };

  private final long seed;

  AccessLogGenerator(long seed) {
    this.seed = seed;
  }

  /** Writes {@code lines} lines to {@code file}, one second of server time per 40 lines. */
  void write(Path file, int lines) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long epochSecond = 1_735_689_600L; // 2025-01-01T00:00:00Z
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < lines; i++) {
        // Skewed client population: a few heavy clients, a long tail of rare ones.
        int client = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(60_000);
        String endpoint = ENDPOINTS[Math.min(ENDPOINTS.length - 1,
            (int) Math.abs(random.nextGaussian() * 4))];
        String path = endpoint.replace("{id}", Integer.toString(random.nextInt(50_000)))
            .replace("{sku}", "SKU-" + random.nextInt(9_000));
        int latencyMicros = 200 + (int) Math.abs(random.nextGaussian() * 8_000)
            + (random.nextInt(100) == 0 ? 250_000 : 0);
        out.write("10." + (client >> 16 & 255) + '.' + (client >> 8 & 255) + '.' + (client & 255));
        out.write(" - user" + (client % 5_000) + " [" + (epochSecond + i / 40) + "] \"");
        out.write(METHODS[random.nextInt(METHODS.length)] + ' ' + path + " HTTP/1.1\" ");
        out.write(STATUSES[random.nextInt(STATUSES.length)] + " " + random.nextInt(64_000));
        out.write(" \"" + AGENTS[random.nextInt(AGENTS.length)] + "\" " + latencyMicros);
        out.write('\n');
      }
    }
  }
}
