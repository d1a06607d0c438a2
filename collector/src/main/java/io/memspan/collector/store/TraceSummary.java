package io.memspan.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One trace in a listing: its root (or earliest) span and totals over the spans the store holds.
 *
 * @param spanCount spans the store holds for the trace (not only the ones the query matched)
 */
public record TraceSummary(
    String traceId,
    List<String> services,
    String rootName,
    long startUnixNano,
    long durationNanos,
    int spanCount,
    long faults,
    long bytesCopied) {

  /** Traces with at least one span matching {@code query}, latest start first, at most its limit. */
  public static List<TraceSummary> find(EmbeddedStore store, SpanQuery query) {
    Map<String, Boolean> traceIds = new LinkedHashMap<>();
    for (StoredSpan s : store.select(query)) traceIds.put(s.traceId(), Boolean.TRUE);
    List<TraceSummary> out = new ArrayList<>(traceIds.size());
    for (String id : traceIds.keySet()) {
      List<StoredSpan> spans = store.trace(id);
      if (!spans.isEmpty()) out.add(of(id, spans));
    }
    out.sort(Comparator.comparingLong(TraceSummary::startUnixNano).reversed());
    return out.size() > query.limit() ? new ArrayList<>(out.subList(0, query.limit())) : out;
  }

  static TraceSummary of(String traceId, List<StoredSpan> spans) {
    StoredSpan root = spans.get(0);
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    long faults = 0;
    long copied = 0;
    TreeSet<String> services = new TreeSet<>();
    for (StoredSpan s : spans) {
      if (s.parentSpanId().isEmpty() && !root.parentSpanId().isEmpty()) root = s;
      start = Math.min(start, s.startUnixNano());
      end = Math.max(end, s.endUnixNano());
      faults += s.faults();
      copied += s.longAttr(SpanAttributes.BYTES_COPIED);
      services.add(s.service());
    }
    return new TraceSummary(traceId, new ArrayList<>(services), root.name(), start, Math.max(0, end - start),
        spans.size(), faults, copied);
  }
}
