package io.memspan.bench.workload;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Requests per (client, minute) counted by several threads at once into one
 * ConcurrentHashMap, so its resizes are shared by helper threads.
 */
final class HitCounter {

  private final Map<String, LongAdder> hits = new ConcurrentHashMap<>();

  void countAll(List<LogRecord> records, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "hit-counter");
      t.setDaemon(true);
      return t;
    });
    try {
      int chunk = (records.size() + threads - 1) / threads;
      Future<?>[] parts = new Future<?>[threads];
      for (int p = 0; p < threads; p++) {
        List<LogRecord> slice =
            records.subList(Math.min(records.size(), p * chunk), Math.min(records.size(), (p + 1) * chunk));
        parts[p] = pool.submit(() -> {
          for (LogRecord r : slice) {
            hits.computeIfAbsent(r.client() + '@' + r.epochSecond() / 60, k -> new LongAdder())
                .increment();
          }
        });
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  int keys() {
    return hits.size();
  }

  /** The busiest client-minutes, busiest first, ties by key. */
  List<Map.Entry<String, Long>> top(int n) {
    return hits.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .collect(Collectors.toList());
  }

  long total() {
    return hits.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
