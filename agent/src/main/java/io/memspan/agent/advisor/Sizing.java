package io.memspan.agent.advisor;

import io.memspan.agent.probe.Kinds;

/**
 * The right-sizing arithmetic, one place: from the values observed at a call site, what to pass to
 * the structure's constructor, and which table capacity that constructor would then allocate.
 */
public final class Sizing {
  private Sizing() {}

  /**
   * List-like structures: {@code ceil(mu + 2 sigma)} of the final capacities observed. Hash tables:
   * {@code n = ceil(mu + 2 sigma)} of the entry counts observed at their last resize, then
   * {@code ceil(n / loadFactor) + 1}; except ConcurrentHashMap and IdentityHashMap, whose
   * constructors take the expected number of entries, so the advice is {@code n} itself.
   */
  public static long recommend(int kind, double mean, double stddev) {
    long n = (long) Math.ceil(mean + 2 * stddev - 1e-9);
    Kinds.Info info = Kinds.info(kind);
    if (info.shape() != Kinds.Shape.HASH_TABLE) {
      return n;
    }
    if (takesExpectedEntries(kind)) {
      return n;
    }
    return (long) Math.ceil(n / info.loadFactor() - 1e-9) + 1;
  }

  /** The capacity (in the probe's units) a structure built with {@code recommended} starts with. */
  public static long initialCapacity(int kind, long recommended) {
    switch (kind) {
      case Kinds.HASH_MAP:
      case Kinds.WEAK_HASH_MAP:
        return tableSizeFor(recommended);
      case Kinds.CONCURRENT_HASH_MAP:
        return tableSizeFor((long) (1.0 + recommended / 0.75));
      case Kinds.IDENTITY_HASH_MAP:
        return Long.highestOneBit(Math.max(1, 3 * recommended));
      default:
        return recommended;
    }
  }

  static boolean takesExpectedEntries(int kind) {
    return kind == Kinds.CONCURRENT_HASH_MAP || kind == Kinds.IDENTITY_HASH_MAP;
  }

  static long tableSizeFor(long c) {
    long n = 1;
    while (n < c) {
      n <<= 1;
    }
    return n;
  }
}
