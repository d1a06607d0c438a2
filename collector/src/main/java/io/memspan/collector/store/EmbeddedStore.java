package io.memspan.collector.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.memspan.collector.spool.SpoolSink;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The collector's own span store: fed from the spool, held in memory, queried by the page.
 *
 * <p>Bounded: it holds at most {@code capacity} spans and evicts the oldest-received beyond that,
 * counting each. Idempotent: the spool delivers at least once, so a span whose trace and span id
 * are already held is ignored (and counted as a duplicate). One writer (the spool dispatcher) and
 * any number of readers; readers see a consistent snapshot.
 *
 * <p>Wiring: {@code new EmbeddedStore(capacity)} is a {@link SpoolSink} named {@code "store"};
 * hand it to the spool dispatcher and to {@code UiServer}.
 */
public final class EmbeddedStore implements SpoolSink {
  /** Default span capacity: about 200 MiB of heap with memspan's typical span. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final int capacity;
  private final OtlpSpanDecoder decoder = new OtlpSpanDecoder();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Oldest first: eviction polls the head, "newest first" queries walk it backwards. */
  private final ArrayDeque<StoredSpan> byArrival = new ArrayDeque<>();
  private final Map<String, StoredSpan> byId = new HashMap<>();
  private final Map<String, List<StoredSpan>> byTrace = new HashMap<>();

  private final Metrics.Counter stored;
  private final Metrics.Counter evicted;
  private final Metrics.Counter duplicates;
  private final Metrics.Counter malformed;
  private final Metrics.Counter metricRequests;

  /** A store holding at most {@link #DEFAULT_CAPACITY} spans, with its own metrics. */
  public EmbeddedStore() {
    this(DEFAULT_CAPACITY, new Metrics());
  }

  /**
   * A store holding at most {@code capacity} spans (at least 1), counting into {@code metrics}:
   * {@code memspan_collector_store_spans_{stored,evicted,duplicate}_total},
   * {@code memspan_collector_store_malformed_total}, {@code memspan_collector_store_metric_requests_total}
   * and the gauges {@code memspan_collector_store_spans} / {@code _traces}.
   */
  public EmbeddedStore(int capacity, Metrics metrics) {
    if (capacity < 1) throw new IllegalArgumentException("store capacity must be at least 1 span, got " + capacity);
    this.capacity = capacity;
    stored = metrics.counter("memspan_collector_store_spans_stored_total", "Spans the embedded store took in");
    evicted = metrics.counter("memspan_collector_store_spans_evicted_total",
        "Spans the embedded store dropped, oldest first, to stay within its capacity");
    duplicates = metrics.counter("memspan_collector_store_spans_duplicate_total",
        "Redelivered spans the embedded store already held and ignored");
    malformed = metrics.counter("memspan_collector_store_malformed_total",
        "Spool records the embedded store skipped because they did not decode as OTLP");
    metricRequests = metrics.counter("memspan_collector_store_metric_requests_total",
        "OTLP metrics requests the embedded store saw (counted, not stored)");
    metrics.gauge("memspan_collector_store_spans", "Spans the embedded store holds", this::spanCount);
    metrics.gauge("memspan_collector_store_traces", "Traces the embedded store holds", this::traceCount);
  }

  @Override
  public String name() {
    return "store";
  }

  /**
   * Takes one spooled request. Trace requests are decoded and stored; metrics requests are
   * counted only. An entry that does not decode is logged, counted as malformed and skipped
   * rather than retried: retrying cannot fix its bytes, and it must not hold back the store.
   */
  @Override
  public void deliver(SpoolEntry entry) {
    if (entry.signal() == Signal.METRICS) {
      metricRequests.inc();
      return;
    }
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(entry.payload());
    } catch (InvalidProtocolBufferException e) {
      malformed.inc();
      Log.warn("store_skipped_record", "position", entry.position(), "error", e.getMessage());
      return;
    }
    List<StoredSpan> spans = new ArrayList<>();
    decoder.decode(request, spans::add);
    lock.writeLock().lock();
    try {
      for (StoredSpan s : spans) add(s);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void add(StoredSpan s) {
    String key = s.traceId() + s.spanId();
    if (byId.putIfAbsent(key, s) != null) {
      duplicates.inc();
      return;
    }
    byArrival.addLast(s);
    byTrace.computeIfAbsent(s.traceId(), t -> new ArrayList<>(1)).add(s);
    stored.inc();
    while (byArrival.size() > capacity) {
      evict(byArrival.pollFirst());
    }
  }

  private void evict(StoredSpan old) {
    byId.remove(old.traceId() + old.spanId());
    List<StoredSpan> trace = byTrace.get(old.traceId());
    if (trace != null) {
      trace.remove(old);
      if (trace.isEmpty()) byTrace.remove(old.traceId());
    }
    evicted.inc();
  }

  /** Spans matching {@code query} (ignoring its limit), most recently received first. */
  public List<StoredSpan> select(SpanQuery query) {
    lock.readLock().lock();
    try {
      List<StoredSpan> out = new ArrayList<>();
      for (Iterator<StoredSpan> it = byArrival.descendingIterator(); it.hasNext(); ) {
        StoredSpan s = it.next();
        if (query.matches(s)) out.add(s);
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Up to {@code query.limit()} matching spans, latest start first. */
  public List<StoredSpan> spans(SpanQuery query) {
    List<StoredSpan> all = select(query);
    all.sort(Comparator.comparingLong(StoredSpan::startUnixNano).reversed());
    return all.size() > query.limit() ? new ArrayList<>(all.subList(0, query.limit())) : all;
  }

  /** All held spans of one trace, by start time; empty when the trace is unknown (or evicted). */
  public List<StoredSpan> trace(String traceId) {
    lock.readLock().lock();
    try {
      List<StoredSpan> spans = byTrace.get(traceId);
      if (spans == null) return List.of();
      List<StoredSpan> out = new ArrayList<>(spans);
      out.sort(Comparator.comparingLong(StoredSpan::startUnixNano));
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Every held span of each trace that has a span matching {@code query} (ignoring its limit), in
   * one consistent pass: the trace listing would otherwise take the lock once per trace.
   */
  public Map<String, List<StoredSpan>> tracesMatching(SpanQuery query) {
    lock.readLock().lock();
    try {
      Map<String, List<StoredSpan>> out = new java.util.LinkedHashMap<>();
      for (Iterator<StoredSpan> it = byArrival.descendingIterator(); it.hasNext(); ) {
        StoredSpan s = it.next();
        if (!out.containsKey(s.traceId()) && query.matches(s)) {
          out.put(s.traceId(), new ArrayList<>(byTrace.get(s.traceId())));
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** One span, or null. */
  public StoredSpan span(String traceId, String spanId) {
    lock.readLock().lock();
    try {
      return byId.get(traceId + spanId);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Services that have spans in the store, sorted. */
  public List<String> services() {
    lock.readLock().lock();
    try {
      TreeSet<String> names = new TreeSet<>();
      for (StoredSpan s : byArrival) names.add(s.service());
      return new ArrayList<>(names);
    } finally {
      lock.readLock().unlock();
    }
  }

  private long spanCount() {
    lock.readLock().lock();
    try {
      return byArrival.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private long traceCount() {
    lock.readLock().lock();
    try {
      return byTrace.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  public StoreStats stats() {
    lock.readLock().lock();
    try {
      return new StoreStats(byArrival.size(), byTrace.size(), capacity, stored.get(), evicted.get(),
          duplicates.get(), malformed.get(), metricRequests.get());
    } finally {
      lock.readLock().unlock();
    }
  }
}
