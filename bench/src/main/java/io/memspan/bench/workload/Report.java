package io.memspan.bench.workload;

import java.util.Map;

/** The plain-text report a nightly job would mail: latency per endpoint and status mix. */
final class Report {

  static final int TOP_CLIENTS = 2_000;

  static String render(int round, EndpointStats stats, InvertedIndex index, HitCounter hits,
      int errorLines) {
    // Default capacity (16 chars): the report grows through many expansions.
    StringBuilder out = new StringBuilder();
    out.append("access log report, round ").append(round).append('\n');
    out.append(String.format("%-24s %8s %10s %10s %10s%n", "endpoint", "requests", "p50 us", "p99 us",
        "max us"));
    for (Map.Entry<String, long[]> e : stats.percentiles().entrySet()) {
      long[] v = e.getValue();
      out.append(String.format("%-24s %8d %10d %10d %10d%n", e.getKey(), v[0], v[1], v[2], v[3]));
      for (Map.Entry<Integer, Integer> s : stats.statuses(e.getKey()).entrySet()) {
        out.append("    status ").append(s.getKey()).append(": ").append(s.getValue()).append('\n');
      }
    }
    out.append("distinct tokens: ").append(index.tokens()).append('\n');
    out.append("client-minutes: ").append(hits.keys()).append(", requests counted: ")
        .append(hits.total()).append('\n');
    out.append("busiest client-minutes:\n");
    for (Map.Entry<String, Long> e : hits.top(TOP_CLIENTS)) {
      out.append("  ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    out.append("lines with 5xx from curl: ").append(errorLines).append('\n');
    return out.toString();
  }
}
