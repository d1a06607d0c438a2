package io.memspan.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
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
    Map<String, List<StoredSpan>> traces = store.tracesMatching(query);
    List<TraceSummary> out = new ArrayList<>(traces.size());
    traces.forEach((id, spans) -> out.add(of(id, spans)));
    out.sort(Comparator.comparingLong(TraceSummary::startUnixNano).reversed());
    return out.size() > query.limit() ? new ArrayList<>(out.subList(0, query.limit())) : out;
  }

  /** A span without a parent beats one with; otherwise the earlier one. */
  private static boolean isBetterRoot(StoredSpan s, StoredSpan root) {
    boolean sRoot = s.parentSpanId().isEmpty();
    boolean rRoot = root.parentSpanId().isEmpty();
    return sRoot != rRoot ? sRoot : s.startUnixNano() < root.startUnixNano();
  }

  static TraceSummary of(String traceId, List<StoredSpan> spans) {
    StoredSpan root = null;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    long faults = 0;
    long copied = 0;
    TreeSet<String> services = new TreeSet<>();
    for (StoredSpan s : spans) {
      if (root == null || isBetterRoot(s, root)) root = s;
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
