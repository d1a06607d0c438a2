package io.memspan.agent.advisor;

import io.memspan.agent.op.CallSite;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one call site did to one structure type: the values structures reached there (final
 * capacity for lists, entries at the last resize for hash tables), and its resizes by the
 * capacity they grew to, so the saving of any recommended capacity can be counted exactly.
 */
final class SiteStats {
  static final int MAX_CAPACITIES = 128;

  final int kind;
  final String structureType;
  final CallSite site;

  // structures no longer tracked one by one (evicted): Welford running mean and variance
  long finishedCount;
  double finishedMean;
  double finishedM2;
  long maxValue;

  long resizes;
  /** resizes whose capacity could not be bucketed (more distinct capacities than the bound) */
  long unbucketedResizes;
  /** capacity after -> {resizes, bytes copied, faults} */
  final TreeMap<Long, long[]> byCapacityAfter = new TreeMap<>();

  SiteStats(int kind, String structureType, CallSite site) {
    this.kind = kind;
    this.structureType = structureType;
    this.site = site;
  }

  void addResize(long capacityAfter, long bytesCopied, long faults) {
    resizes++;
    long[] b = byCapacityAfter.get(capacityAfter);
    if (b == null) {
      if (byCapacityAfter.size() >= MAX_CAPACITIES) {
        unbucketedResizes++;
        return;
      }
      b = new long[3];
      byCapacityAfter.put(capacityAfter, b);
    }
    b[0]++;
    b[1] += bytesCopied;
    b[2] += faults;
  }

  void finish(long value) {
    finishedCount++;
    double delta = value - finishedMean;
    finishedMean += delta / finishedCount;
    finishedM2 += delta * (value - finishedMean);
    maxValue = Math.max(maxValue, value);
  }

  /** {resizes, bytes copied, faults} of the resizes that end at or below {@code capacity}. */
  long[] savedAt(long capacity) {
    long[] out = new long[3];
    for (Map.Entry<Long, long[]> e : byCapacityAfter.headMap(capacity, true).entrySet()) {
      out[0] += e.getValue()[0];
      out[1] += e.getValue()[1];
      out[2] += e.getValue()[2];
    }
    return out;
  }
}
