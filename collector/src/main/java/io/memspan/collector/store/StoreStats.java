package io.memspan.collector.store;

/**
 * What the store holds and what it had to let go.
 *
 * @param spans spans held now
 * @param traces distinct traces held now
 * @param capacity the most spans it holds; older ones are evicted beyond it
 * @param stored spans taken in since start
 * @param evicted spans dropped to stay within {@code capacity}
 * @param duplicates spans ignored because the same trace and span id was already held (redelivery)
 * @param malformed spool entries that did not decode as OTLP and were skipped
 * @param metricRequests metrics export requests seen (not stored: the page shows traces)
 */
public record StoreStats(
    long spans, long traces, long capacity, long stored, long evicted, long duplicates, long malformed, long metricRequests) {}
