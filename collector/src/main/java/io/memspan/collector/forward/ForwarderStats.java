package io.memspan.collector.forward;

import io.memspan.collector.ops.Metrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one forwarder did, kept in the collector's metrics registry (so it shows on
 * {@code /metrics}, labelled {@code sink="upstream:<url>"}): requests and items (spans, metric
 * data points) delivered, attempts that will be retried, items the upstream refused for good by
 * reason, entries that do not apply to the sink, and the last error. No drop goes uncounted.
 */
public final class ForwarderStats {
  static final String REQUESTS = "memspan_collector_forward_requests_total";
  static final String SPANS = "memspan_collector_forward_spans_total";
  static final String DATA_POINTS = "memspan_collector_forward_data_points_total";
  static final String RETRIED = "memspan_collector_forward_retried_total";
  static final String NOT_APPLICABLE = "memspan_collector_forward_not_applicable_total";
  static final String DROPPED_REQUESTS = "memspan_collector_forward_dropped_requests_total";
  static final String DROPPED_ITEMS = "memspan_collector_forward_dropped_items_total";
  static final String LAST_ERROR = "memspan_collector_forward_last_error_timestamp_seconds";

  private final Metrics metrics;
  private final String sink;
  private final Metrics.Counter forwardedRequests;
  private final Metrics.Counter forwardedSpans;
  private final Metrics.Counter forwardedDataPoints;
  private final Metrics.Counter retried;
  private final Metrics.Counter notApplicable;
  private final ConcurrentHashMap<String, Metrics.Counter> droppedRequests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Metrics.Counter> droppedItems = new ConcurrentHashMap<>();
  private volatile String lastError = "";
  private volatile long lastErrorEpochMillis;

  ForwarderStats(Metrics metrics, String sink) {
    this.metrics = metrics;
    this.sink = sink;
    forwardedRequests = metrics.counter(REQUESTS, "Export requests an upstream accepted", "sink", sink);
    forwardedSpans = metrics.counter(SPANS, "Spans an upstream accepted", "sink", sink);
    forwardedDataPoints = metrics.counter(DATA_POINTS, "Metric data points an upstream accepted", "sink", sink);
    retried = metrics.counter(RETRIED,
        "Delivery attempts that failed in a retryable way (outage, 429/503, UNAVAILABLE, timeout)", "sink", sink);
    notApplicable = metrics.counter(NOT_APPLICABLE,
        "Spool entries this sink does not carry (metrics to Zipkin), skipped", "sink", sink);
    metrics.gauge(LAST_ERROR, "When this sink last saw an error (0 = never)",
        () -> lastErrorEpochMillis / 1000, "sink", sink);
  }

  /**
   * A delivered request; {@code rejected} items of it (partial success, or spans Zipkin cannot take)
   * were refused, so only the rest count as forwarded. An entry holds one signal.
   */
  void forwarded(OtlpItems items, long rejected) {
    forwardedRequests.inc();
    if (items.spans() > 0) {
      forwardedSpans.add(Math.max(0, items.spans() - rejected));
    } else {
      forwardedDataPoints.add(Math.max(0, items.dataPoints() - rejected));
    }
  }

  void retried(String error) {
    retried.inc();
    error(error);
  }

  /** A whole request refused for good, e.g. HTTP 400 or gRPC INVALID_ARGUMENT. */
  void droppedRequest(String reason, long items, String error) {
    droppedRequests.computeIfAbsent(reason, r -> metrics.counter(DROPPED_REQUESTS,
        "Export requests an upstream refused for good (not retried), by reason", "sink", sink, "reason", r)).inc();
    droppedItems(reason, items);
    error(error);
  }

  /** Items refused or skipped inside an otherwise delivered request (OTLP partial success). */
  void droppedItems(String reason, long items) {
    if (items > 0) {
      droppedItems.computeIfAbsent(reason, r -> metrics.counter(DROPPED_ITEMS,
          "Spans or data points an upstream refused for good, by reason", "sink", sink, "reason", r)).add(items);
    }
  }

  void skippedNotApplicable() {
    notApplicable.inc();
  }

  private void error(String error) {
    lastError = error;
    lastErrorEpochMillis = System.currentTimeMillis();
  }

  public long forwardedRequests() {
    return forwardedRequests.get();
  }

  public long forwardedSpans() {
    return forwardedSpans.get();
  }

  public long forwardedDataPoints() {
    return forwardedDataPoints.get();
  }

  /** Attempts that failed in a way worth retrying (outage, 429/503, timeout). */
  public long retried() {
    return retried.get();
  }

  /** Entries this sink does not carry (metrics to Zipkin): skipped, not failed. */
  public long notApplicable() {
    return notApplicable.get();
  }

  /** Requests refused for good, by reason (e.g. {@code http_400}, {@code grpc_INVALID_ARGUMENT}). */
  public Map<String, Long> droppedRequestsByReason() {
    return snapshot(droppedRequests);
  }

  /** Spans or data points refused for good, by reason. */
  public Map<String, Long> droppedItemsByReason() {
    return snapshot(droppedItems);
  }

  /** The last error text, empty when none yet. */
  public String lastError() {
    return lastError;
  }

  /** When the last error happened, 0 when none yet. */
  public long lastErrorEpochMillis() {
    return lastErrorEpochMillis;
  }

  void unregister() {
    metrics.removeGauge(LAST_ERROR, "sink", sink);
  }

  private static Map<String, Long> snapshot(ConcurrentHashMap<String, Metrics.Counter> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
