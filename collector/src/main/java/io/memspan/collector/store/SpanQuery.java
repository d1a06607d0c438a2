package io.memspan.collector.store;

import java.util.List;

/**
 * Which spans a query selects. A span matches when every given criterion holds; its time range
 * matches when the span overlaps {@code [fromUnixNano, toUnixNano]}.
 *
 * @param service {@code service.name} of the span's resource, or null for any
 * @param name the span name, or null for any
 * @param attributes attribute equalities, all of which must hold (values compared as text)
 * @param limit how many results at most (spans, traces or operations per thread)
 */
public record SpanQuery(
    String service, String name, List<AttributeMatch> attributes, long fromUnixNano, long toUnixNano, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  public SpanQuery {
    attributes = List.copyOf(attributes);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** Everything, newest {@link #DEFAULT_LIMIT} first. */
  public static SpanQuery all() {
    return new SpanQuery(null, null, List.of(), 0, Long.MAX_VALUE, DEFAULT_LIMIT);
  }

  public SpanQuery withLimit(int newLimit) {
    return new SpanQuery(service, name, attributes, fromUnixNano, toUnixNano, newLimit);
  }

  public SpanQuery withService(String newService) {
    return new SpanQuery(newService, name, attributes, fromUnixNano, toUnixNano, limit);
  }

  public SpanQuery withName(String newName) {
    return new SpanQuery(service, newName, attributes, fromUnixNano, toUnixNano, limit);
  }

  public SpanQuery withAttribute(String key, String value) {
    List<AttributeMatch> more = new java.util.ArrayList<>(attributes);
    more.add(new AttributeMatch(key, value));
    return new SpanQuery(service, name, more, fromUnixNano, toUnixNano, limit);
  }

  public SpanQuery withRange(long from, long to) {
    return new SpanQuery(service, name, attributes, from, to, limit);
  }

  public boolean matches(StoredSpan s) {
    if (service != null && !service.equals(s.service())) return false;
    if (name != null && !name.equals(s.name())) return false;
    if (s.endUnixNano() < fromUnixNano || s.startUnixNano() > toUnixNano) return false;
    for (AttributeMatch m : attributes) {
      if (!m.matches(s)) return false;
    }
    return true;
  }

  /** {@code key=value}: the span's attribute {@code key}, rendered as text, equals {@code value}. */
  public record AttributeMatch(String key, String value) {
    boolean matches(StoredSpan s) {
      Object v = s.attributes().get(key);
      return v != null && value.equals(String.valueOf(v));
    }
  }
}
