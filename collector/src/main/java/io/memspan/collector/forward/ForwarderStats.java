package io.memspan.collector.forward;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one forwarder did: requests and items (spans or metric data points) delivered, attempts
 * that will be retried, items the upstream refused for good (by reason), and the last error seen.
 * Every drop is counted here; nothing is dropped silently.
 */
public final class ForwarderStats {
  private final LongAdder forwardedRequests = new LongAdder();
  private final LongAdder forwardedSpans = new LongAdder();
  private final LongAdder forwardedDataPoints = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder notApplicable = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> droppedRequests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> droppedItems = new ConcurrentHashMap<>();
  private volatile String lastError = "";
  private volatile long lastErrorEpochMillis;

  void forwarded(OtlpItems items) {
    forwardedRequests.increment();
    forwardedSpans.add(items.spans());
    forwardedDataPoints.add(items.dataPoints());
  }

  void retried(String error) {
    retried.increment();
    error(error);
  }

  /** A whole request refused for good, e.g. HTTP 400 or gRPC INVALID_ARGUMENT. */
  void droppedRequest(String reason, long items, String error) {
    droppedRequests.computeIfAbsent(reason, r -> new LongAdder()).increment();
    droppedItems(reason, items);
    error(error);
  }

  /** Items refused or skipped inside an otherwise delivered request (OTLP partial success). */
  void droppedItems(String reason, long items) {
    if (items > 0) {
      droppedItems.computeIfAbsent(reason, r -> new LongAdder()).add(items);
    }
  }

  void skippedNotApplicable() {
    notApplicable.increment();
  }

  private void error(String error) {
    lastError = error;
    lastErrorEpochMillis = System.currentTimeMillis();
  }

  public long forwardedRequests() {
    return forwardedRequests.sum();
  }

  public long forwardedSpans() {
    return forwardedSpans.sum();
  }

  public long forwardedDataPoints() {
    return forwardedDataPoints.sum();
  }

  /** Attempts that failed in a way worth retrying (outage, 429/503, timeout). */
  public long retried() {
    return retried.sum();
  }

  /** Entries this sink does not carry (metrics to Zipkin): skipped, not failed. */
  public long notApplicable() {
    return notApplicable.sum();
  }

  /** Requests refused for good, by reason (e.g. {@code http_400}, {@code grpc_INVALID_ARGUMENT}). */
  public Map<String, Long> droppedRequestsByReason() {
    return snapshot(droppedRequests);
  }

  /** Spans or data points refused for good, by reason. */
  public Map<String, Long> droppedItemsByReason() {
    return snapshot(droppedItems);
  }

  public long droppedItems() {
    return droppedItems.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The last error text, empty when none yet. */
  public String lastError() {
    return lastError;
  }

  /** When the last error happened, 0 when none yet. */
  public long lastErrorEpochMillis() {
    return lastErrorEpochMillis;
  }

  private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
