package io.memspan.bench.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Latencies per endpoint, kept whole so percentiles are exact. */
final class EndpointStats {

  private final Map<String, List<Long>> latencies = new HashMap<>();
  private final Map<String, Map<Integer, Integer>> statuses = new HashMap<>();

  void add(LogRecord r) {
    latencies.computeIfAbsent(r.endpoint(), e -> new ArrayList<>()).add(r.latencyMicros());
    statuses.computeIfAbsent(r.endpoint(), e -> new TreeMap<>()).merge(r.status(), 1, Integer::sum);
  }

  /** endpoint → {count, p50, p99, max} in microseconds, endpoints in name order. */
  Map<String, long[]> percentiles() {
    Map<String, long[]> out = new TreeMap<>();
    for (Map.Entry<String, List<Long>> e : latencies.entrySet()) {
      List<Long> sorted = new ArrayList<>(e.getValue());
      Collections.sort(sorted);
      int n = sorted.size();
      out.put(e.getKey(), new long[] {
          n, sorted.get(n / 2), sorted.get(Math.min(n - 1, (int) (n * 0.99))), sorted.get(n - 1)});
    }
    return out;
  }

  Map<Integer, Integer> statuses(String endpoint) {
    return statuses.getOrDefault(endpoint, Map.of());
  }
}
