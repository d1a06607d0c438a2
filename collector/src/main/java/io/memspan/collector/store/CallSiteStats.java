package io.memspan.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Totals over memspan's operation spans at one call site, with the latest advice for it (or null).
 *
 * @param faults {@code pageFaults + kernelFaults}
 */
public record CallSiteStats(
    CallSite site,
    long ops,
    long bytesCopied,
    long bytesAllocated,
    long pageFaults,
    long kernelFaults,
    long faults,
    long mmapCount,
    long mmapBytes,
    long durationNanos,
    long lastUnixNano,
    Advice advice) {

  /**
   * Call sites of the operations matching {@code query}, most faults first (then bytes copied).
   * Sites that only have advice (no operation span held) are listed too, with zero totals.
   */
  public static List<CallSiteStats> aggregate(EmbeddedStore store, SpanQuery query) {
    Map<CallSite, long[]> totals = new LinkedHashMap<>();
    List<StoredSpan> spans = store.select(query);
    Map<CallSite, Advice> advice = latestAdvice(spans);
    for (StoredSpan s : spans) {
      if (!s.isMemspanOperation()) continue;
      long[] t = totals.computeIfAbsent(CallSite.of(s), k -> new long[10]);
      t[0]++;
      t[1] += s.longAttr(SpanAttributes.BYTES_COPIED);
      t[2] += s.longAttr(SpanAttributes.BYTES_ALLOCATED);
      t[3] += s.longAttr(SpanAttributes.PAGE_FAULTS);
      t[4] += s.longAttr(SpanAttributes.PAGE_FAULTS_KERNEL);
      t[5] += s.longAttr(SpanAttributes.MMAP_COUNT);
      t[6] += s.longAttr(SpanAttributes.MMAP_BYTES);
      t[7] += s.durationNanos();
      t[8] = Math.max(t[8], s.endUnixNano());
    }
    for (CallSite site : advice.keySet()) totals.computeIfAbsent(site, k -> new long[10]);
    List<CallSiteStats> out = new ArrayList<>(totals.size());
    totals.forEach((site, t) -> out.add(new CallSiteStats(
        site, t[0], t[1], t[2], t[3], t[4], t[3] + t[4], t[5], t[6], t[7], t[8], advice.get(site))));
    out.sort(Comparator.comparingLong(CallSiteStats::faults)
        .thenComparingLong(CallSiteStats::bytesCopied)
        .thenComparingLong(CallSiteStats::ops)
        .reversed());
    return out.size() > query.limit() ? new ArrayList<>(out.subList(0, query.limit())) : out;
  }

  /** The latest advice per call site among {@code spans} (latest by the advice span's end time). */
  public static Map<CallSite, Advice> latestAdvice(List<StoredSpan> spans) {
    Map<CallSite, Advice> latest = new HashMap<>();
    for (StoredSpan s : spans) {
      if (!s.isAdvice()) continue;
      Advice a = Advice.of(s);
      latest.merge(a.site(), a, (x, y) -> x.reportedUnixNano() >= y.reportedUnixNano() ? x : y);
    }
    return latest;
  }

  /** Latest advice per call site for spans matching {@code query}, most bytes copied saved first. */
  public static List<Advice> advice(EmbeddedStore store, SpanQuery query) {
    List<Advice> out = new ArrayList<>(latestAdvice(store.select(query)).values());
    out.sort(Comparator.comparingLong(Advice::bytesCopiedSaved)
        .thenComparingLong(Advice::faultsSaved)
        .reversed());
    return out.size() > query.limit() ? new ArrayList<>(out.subList(0, query.limit())) : out;
  }
}
