package io.memspan.collector.receive;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.Spool;
import io.memspan.collector.spool.SpoolBusyException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where both receivers hand a checked request: it is appended to the spool and the returned future
 * completes once the record is durable (then, and only then, the client gets its success). Also
 * the single place that counts received and rejected requests.
 */
public final class Ingest {
  private final Metrics metrics;
  private final int maxBodyBytes;
  private final Map<RejectReason, Metrics.Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Map<String, Metrics.Counter> received = new ConcurrentHashMap<>();
  private final Map<Signal, Metrics.Counter> items = new EnumMap<>(Signal.class);
  private final Metrics.Counter receivedBytes;
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Spool spool; // null until recovered: requests before that are refused as not ready

  private final BodyBudget bodies;

  public Ingest(Metrics metrics, int maxBodyBytes, BodyBudget bodies) {
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.bodies = bodies;
    metrics.gauge("memspan_collector_request_body_bytes", "Bytes of request bodies being read or decoded",
        () -> bodies.capacity() - bodies.available());
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, metrics.counter("memspan_collector_rejected_requests_total",
          "Requests refused, by reason", "reason", r.label));
    }
    for (Signal s : Signal.values()) {
      items.put(s, metrics.counter("memspan_collector_received_items_total",
          "Spans or metric data points acknowledged", "signal", label(s)));
    }
    receivedBytes = metrics.counter("memspan_collector_received_bytes_total",
        "Bytes of acknowledged requests as spooled (protobuf)");
  }

  static String label(Signal s) {
    return s == Signal.TRACES ? "traces" : "metrics";
  }

  /** Opens the doors: called once the spool is open and recovered. */
  public void ready(Spool spool) {
    this.spool = spool;
  }

  public boolean isReady() {
    return notReadyReason() == null;
  }

  /** Why requests are refused right now, or null when the spool takes them. */
  public String notReadyReason() {
    Spool s = spool;
    if (s == null) {
      return "spool is being recovered";
    }
    if (s.failure() != null) {
      return "spool write failed (" + s.failure().getMessage() + "); restart the collector once the disk is fixed";
    }
    return null;
  }

  /** The bound on all request bodies held at once. */
  public BodyBudget bodies() {
    return bodies;
  }

  /** Largest accepted body, before and after decompression. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Spools a checked request. Completes when durable; fails with {@link Rejected} (not ready,
   * spool busy, disk failure), already counted.
   */
  public CompletableFuture<Void> accept(OtlpDecoder.Decoded request, String transport) {
    Spool s = spool;
    if (s == null) {
      return CompletableFuture.failedFuture(reject(RejectReason.NOT_READY, "collector is starting: spool not recovered yet"));
    }
    inFlight.incrementAndGet();
    return s.append(request.signal(), System.currentTimeMillis(), request.protobuf())
        .handle((pos, err) -> {
          inFlight.decrementAndGet();
          if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            throw new CompletionException(cause instanceof SpoolBusyException
                ? reject(RejectReason.SPOOL_BUSY, "collector is overloaded: " + cause.getMessage() + "; retry later")
                : reject(RejectReason.SPOOL_FAILED, "spool write failed: " + cause.getMessage()));
          }
          received.computeIfAbsent(label(request.signal()) + "/" + transport, k -> metrics.counter(
              "memspan_collector_received_requests_total", "Requests acknowledged (durably spooled)",
              "signal", label(request.signal()), "transport", transport)).inc();
          items.get(request.signal()).add(request.items());
          receivedBytes.add(request.protobuf().length);
          return null;
        });
  }

  /** Requests handed to the spool and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Counts a refusal and returns it, for receivers that refuse before spooling. */
  public Rejected reject(RejectReason reason, String message) {
    rejected.get(reason).inc();
    return new Rejected(reason, message);
  }

  /** Counts a refusal that was created elsewhere (decoder, gzip). */
  public Rejected count(Rejected r) {
    rejected.get(r.reason()).inc();
    return r;
  }
}
