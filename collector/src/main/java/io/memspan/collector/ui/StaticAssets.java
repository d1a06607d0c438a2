package io.memspan.collector.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page's files, bundled in the jar and read once. Only the files listed here are served, so
 * no request path can reach anything else on the class path.
 */
final class StaticAssets {
  private static final String BASE = "/io/memspan/collector/ui/web/";

  record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> byPath = new LinkedHashMap<>();

  StaticAssets() {
    add("/", "index.html", "text/html; charset=utf-8");
    add("/app.js", "app.js", "text/javascript; charset=utf-8");
    add("/style.css", "style.css", "text/css; charset=utf-8");
    add("/favicon.svg", "favicon.svg", "image/svg+xml");
  }

  private void add(String path, String file, String type) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + file)) {
      if (in == null) throw new IllegalStateException("page asset missing from the jar: " + BASE + file);
      byPath.put(path, new Asset(in.readAllBytes(), type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The asset served at {@code path}, or null. */
  Asset get(String path) {
    return byPath.get(path.equals("/index.html") ? "/" : path);
  }
}
