package io.memspan.agent.record;

/**
 * Names the structures whose growth hooks see only their arrays (string builders and byte-array
 * streams; see {@code HookSink.beginCopy}): each growth copies the array the previous growth of
 * the same structure made, so a structure is the chain of its arrays, named after the first one.
 * One small table per thread, no allocation. A growth takes over its chain's entry (the old array
 * is gone from the structure); a new chain takes the entry used longest ago, so a thread that
 * grows more than {@link #CHAINS} structures in turn renames the oldest (it then counts twice in
 * the advice).
 */
final class CopyChains {
  static final int CHAINS = 16;

  private final int[] arrayHashes = new int[CHAINS];
  private final int[] names = new int[CHAINS];
  private final long[] lastUse = new long[CHAINS];
  private long uses;

  /** The name of the structure whose {@code oldArray} became {@code newArray} (null: failed). */
  int follow(Object oldArray, Object newArray) {
    int oldHash = System.identityHashCode(oldArray);
    int entry = -1;
    for (int i = 0; i < CHAINS; i++) {
      if (names[i] != 0 && arrayHashes[i] == oldHash) {
        entry = i;
        break;
      }
    }
    int name = entry >= 0 ? names[entry] : oldHash;
    if (newArray != null) {
      if (entry < 0) {
        entry = leastRecentlyUsed();
      }
      arrayHashes[entry] = System.identityHashCode(newArray);
      names[entry] = name;
      lastUse[entry] = ++uses;
    }
    return name;
  }

  private int leastRecentlyUsed() {
    int oldest = 0;
    for (int i = 1; i < CHAINS; i++) {
      if (lastUse[i] < lastUse[oldest]) {
        oldest = i;
      }
    }
    return oldest;
  }
}
