package io.memspan.collector.store;

import java.util.List;
import java.util.Map;

/**
 * One span as the embedded store keeps it, decoded from OTLP once on delivery. Attribute values
 * are {@link String}, {@link Long}, {@link Double}, {@link Boolean} or {@link List} of those.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId 16 lower-case hex digits
 * @param parentSpanId 16 hex digits, or empty for a root span
 * @param resource the resource attributes, shared by the spans of one resource
 */
public record StoredSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String service,
    String name,
    String kind,
    long startUnixNano,
    long endUnixNano,
    String statusCode,
    String statusMessage,
    String scope,
    Map<String, Object> attributes,
    List<SpanEvent> events,
    Map<String, Object> resource) {

  public long durationNanos() {
    return Math.max(0, endUnixNano - startUnixNano);
  }

  /** The attribute's value as a long, or 0 when absent or not numeric. */
  public long longAttr(String key) {
    Object v = attributes.get(key);
    if (v instanceof Long l) return l;
    if (v instanceof Double d) return d.longValue();
    if (v instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** The attribute's value as a double, or NaN when absent or not numeric. */
  public double doubleAttr(String key) {
    Object v = attributes.get(key);
    if (v instanceof Number n) return n.doubleValue();
    return Double.NaN;
  }

  /** The attribute's value as a string (numbers rendered), or null when absent. */
  public String stringAttr(String key) {
    Object v = attributes.get(key);
    return v == null ? null : String.valueOf(v);
  }

  /** An operation memspan measured (a structure growing), as opposed to advice or foreign spans. */
  public boolean isMemspanOperation() {
    return attributes.containsKey(SpanAttributes.STRUCTURE_TYPE) && !isAdvice();
  }

  public boolean isAdvice() {
    return SpanAttributes.ADVICE_SPAN.equals(name);
  }

  /** Faults the operation took: user-mode plus those the kernel took on its behalf. */
  public long faults() {
    return longAttr(SpanAttributes.PAGE_FAULTS) + longAttr(SpanAttributes.PAGE_FAULTS_KERNEL);
  }
}
