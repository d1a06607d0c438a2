package io.memspan.bench.ab;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every whole workload shares: its argument check, an order-independent digest of its
 * aggregates, and the two lines the A/B runner reads from its output.
 */
final class Workloads {
  static final String CHECKSUM = "checksum: ";
  static final String ELAPSED = "elapsed ms: ";

  private Workloads() {}

  static int positive(String arg, String what) {
    try {
      int n = Integer.parseInt(arg);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error naming the argument
    }
    throw new IllegalArgumentException(what + " must be a positive integer, got '" + arg + "'");
  }

  /** A digest of a map that does not depend on its iteration order. */
  static long digest(Map<?, ?> m) {
    long h = m.size();
    for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
      h = h * 1_000_003 + e.getKey().hashCode() * 31L + e.getValue().hashCode();
    }
    return h;
  }

  static void report(String name, long checksum, long startNanos) {
    System.out.println(name + " " + CHECKSUM + Long.toHexString(checksum));
    System.out.println(name + " " + ELAPSED
        + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e6));
  }
}
