package io.memspan.collector.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Faults, bytes copied and mmap bytes of memspan's operations per time bucket (by operation start).
 *
 * @param fromUnixNano start of the first bucket
 * @param stepNanos width of every bucket
 */
public record TimeSeries(long fromUnixNano, long stepNanos, List<Bucket> buckets) {

  public static final int MAX_BUCKETS = 1000;

  public record Bucket(long startUnixNano, long ops, long faults, long bytesCopied, long mmapBytes) {}

  /**
   * {@code buckets} equal buckets spanning the query's time range, or, where the range is open,
   * the range of the matching operations.
   */
  public static TimeSeries of(EmbeddedStore store, SpanQuery query, int buckets) {
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("buckets must be between 1 and " + MAX_BUCKETS + ", got " + buckets);
    }
    List<StoredSpan> ops = new ArrayList<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (StoredSpan s : store.select(query)) {
      if (!s.isMemspanOperation()) continue;
      ops.add(s);
      min = Math.min(min, s.startUnixNano());
      max = Math.max(max, s.startUnixNano());
    }
    long from = query.fromUnixNano() > 0 ? query.fromUnixNano() : (ops.isEmpty() ? 0 : min);
    long to = query.toUnixNano() != Long.MAX_VALUE ? query.toUnixNano() : (ops.isEmpty() ? 0 : max);
    if (ops.isEmpty() && from == 0) return new TimeSeries(0, 0, List.of());
    // +1 so the latest operation falls inside the last bucket rather than on its far edge
    long step = Math.max(1, Math.floorDiv(Math.max(0, to - from) + 1 + buckets - 1, buckets));
    long[][] t = new long[buckets][4];
    for (StoredSpan s : ops) {
      long i = Math.floorDiv(s.startUnixNano() - from, step);
      if (i < 0 || i >= buckets) continue;
      long[] b = t[(int) i];
      b[0]++;
      b[1] += s.faults();
      b[2] += s.longAttr(SpanAttributes.BYTES_COPIED);
      b[3] += s.longAttr(SpanAttributes.MMAP_BYTES);
    }
    List<Bucket> out = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      out.add(new Bucket(from + i * step, t[i][0], t[i][1], t[i][2], t[i][3]));
    }
    return new TimeSeries(from, step, out);
  }
}
