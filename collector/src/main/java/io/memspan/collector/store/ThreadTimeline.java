package io.memspan.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * memspan's operations on one thread, in time order: a row of the page's timeline.
 *
 * @param tid the native thread id ({@code memspan.tid}), or 0 when the agent did not know it
 * @param threadId the Java thread id ({@code thread.id}), or 0
 * @param totalOps operations of this thread matching the query; {@code ops} holds the latest of them
 */
public record ThreadTimeline(
    String service, String threadName, long tid, long threadId, long totalOps, long faults, long bytesCopied,
    List<Op> ops) {

  /** One operation on the timeline. */
  public record Op(
      String traceId,
      String spanId,
      String name,
      String structureType,
      long startUnixNano,
      long durationNanos,
      long faults,
      long bytesCopied,
      long mmapBytes) {}

  private record Key(String service, String threadName, long tid, long threadId) {}

  /** One timeline per thread, threads sorted by name; each keeps its latest {@code query.limit()} ops. */
  public static List<ThreadTimeline> of(EmbeddedStore store, SpanQuery query) {
    Map<Key, List<StoredSpan>> byThread = new LinkedHashMap<>();
    for (StoredSpan s : store.select(query)) {
      if (!s.isMemspanOperation()) continue;
      String name = s.stringAttr(SpanAttributes.THREAD_NAME);
      Key k = new Key(s.service(), name == null ? "" : name, s.longAttr(SpanAttributes.TID),
          s.longAttr(SpanAttributes.THREAD_ID));
      byThread.computeIfAbsent(k, x -> new ArrayList<>()).add(s);
    }
    List<ThreadTimeline> out = new ArrayList<>(byThread.size());
    byThread.forEach((k, spans) -> {
      spans.sort(Comparator.comparingLong(StoredSpan::startUnixNano));
      long faults = 0;
      long copied = 0;
      for (StoredSpan s : spans) {
        faults += s.faults();
        copied += s.longAttr(SpanAttributes.BYTES_COPIED);
      }
      List<StoredSpan> kept = spans.size() > query.limit() ? spans.subList(spans.size() - query.limit(), spans.size()) : spans;
      List<Op> ops = new ArrayList<>(kept.size());
      for (StoredSpan s : kept) {
        ops.add(new Op(s.traceId(), s.spanId(), s.name(), s.stringAttr(SpanAttributes.STRUCTURE_TYPE),
            s.startUnixNano(), s.durationNanos(), s.faults(), s.longAttr(SpanAttributes.BYTES_COPIED),
            s.longAttr(SpanAttributes.MMAP_BYTES)));
      }
      out.add(new ThreadTimeline(k.service(), k.threadName(), k.tid(), k.threadId(), spans.size(), faults, copied, ops));
    });
    out.sort(Comparator.comparing(ThreadTimeline::service)
        .thenComparing(ThreadTimeline::threadName)
        .thenComparingLong(ThreadTimeline::tid));
    return out;
  }
}
