package io.memspan.collector.ui;

import io.memspan.collector.store.SpanQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's query string, checked: every parameter must be known to the endpoint and well formed.
 *
 * <p>{@code service}, {@code name}: exact match. {@code attr=key=value} (repeatable): the span's
 * attribute equals value as text. {@code from}, {@code to}: epoch milliseconds or an ISO-8601
 * instant ({@code 2026-11-21T04:00:00Z}); a span matches when it overlaps the range.
 * {@code limit}: 1 to 10000. {@code buckets}: 1 to 1000 (time series only).
 */
final class QueryParams {
  static final Set<String> FILTERS = Set.of("service", "name", "attr", "from", "to", "limit");

  private final Map<String, List<String>> params;

  QueryParams(Map<String, List<String>> params, Set<String> allowed) {
    this.params = params;
    for (String p : params.keySet()) {
      if (!allowed.contains(p)) {
        throw new BadParameterException(p, "unknown parameter; this endpoint takes " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  SpanQuery spanQuery(int defaultLimit) {
    long from = time("from", 0);
    long to = time("to", Long.MAX_VALUE);
    if (from > to) throw new BadParameterException("from", "is after 'to'");
    List<SpanQuery.AttributeMatch> attrs = new ArrayList<>();
    for (String a : params.getOrDefault("attr", List.of())) {
      int eq = a.indexOf('=');
      if (eq <= 0) throw new BadParameterException("attr", "expected key=value, got '" + a + "'");
      attrs.add(new SpanQuery.AttributeMatch(a.substring(0, eq), a.substring(eq + 1)));
    }
    int limit = intParam("limit", defaultLimit, 1, SpanQuery.MAX_LIMIT);
    return new SpanQuery(text("service"), text("name"), attrs, from, to, limit);
  }

  int intParam(String name, int dflt, int min, int max) {
    String v = single(name);
    if (v == null) return dflt;
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new BadParameterException(name, "not an integer: '" + v + "'");
    }
    if (n < min || n > max) throw new BadParameterException(name, "must be between " + min + " and " + max + ", got " + n);
    return n;
  }

  private String text(String name) {
    String v = single(name);
    if (v != null && v.isEmpty()) throw new BadParameterException(name, "is empty");
    return v;
  }

  /** Epoch milliseconds or an ISO-8601 instant, as epoch nanoseconds. */
  private long time(String name, long dflt) {
    String v = single(name);
    if (v == null) return dflt;
    try {
      long ms = Long.parseLong(v);
      if (ms < 0) throw new BadParameterException(name, "is negative");
      return Math.multiplyExact(ms, 1_000_000L);
    } catch (NumberFormatException e) {
      try {
        Instant i = Instant.parse(v);
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
      } catch (DateTimeParseException | ArithmeticException e2) {
        throw new BadParameterException(name, "expected epoch milliseconds or an ISO-8601 instant, got '" + v + "'");
      }
    } catch (ArithmeticException e) {
      throw new BadParameterException(name, "out of range: '" + v + "'");
    }
  }

  private String single(String name) {
    List<String> vs = params.get(name);
    if (vs == null || vs.isEmpty()) return null;
    if (vs.size() > 1) throw new BadParameterException(name, "given " + vs.size() + " times; give it once");
    return vs.get(0);
  }
}
