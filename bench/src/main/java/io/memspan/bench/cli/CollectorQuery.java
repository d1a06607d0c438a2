package io.memspan.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The collector's JSON query API (served on its page's port under /api), as the summary uses it. */
final class CollectorQuery implements AutoCloseable {

  static final int MAX_LIMIT = 10_000;
  private static final long TIMEOUT_MILLIS = 10_000;

  private final URI base;
  private final String service;
  private final HttpGet http;
  private final ObjectMapper json = new ObjectMapper();

  CollectorQuery(URI base, String service, String token) {
    this.base = base;
    this.service = service;
    this.http = new HttpGet(token);
  }

  /** {"spans": n, "traces": n, ...}: the store as a whole. */
  JsonNode stats() throws IOException {
    return get("/api/stats", false, 0);
  }

  /** This service's spans, as many as the API gives in one answer. */
  JsonNode spans() throws IOException {
    return get("/api/spans", true, MAX_LIMIT).path("spans");
  }

  /** Per call site: ops, bytes copied, faults, mmap bytes and the latest advice. */
  JsonNode callSites() throws IOException {
    return get("/api/callsites", true, MAX_LIMIT).path("callSites");
  }

  /** The latest advice per call site, most bytes-copied saved first. */
  JsonNode advice() throws IOException {
    return get("/api/advice", true, MAX_LIMIT).path("advice");
  }

  private JsonNode get(String path, boolean forService, int limit) throws IOException {
    StringBuilder q = new StringBuilder();
    if (forService) {
      q.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
    }
    if (limit > 0) {
      q.append(q.length() == 0 ? "" : "&").append("limit=").append(limit);
    }
    URI uri = base.resolve(path + (q.length() == 0 ? "" : "?" + q));
    HttpGet.Response r = http.get(uri, TIMEOUT_MILLIS);
    if (r.status() != 200) {
      throw new IOException("GET " + uri + " answered " + r.status() + ": " + r.body());
    }
    return json.readTree(r.body());
  }

  @Override
  public void close() {
    http.close();
  }
}
