package io.memspan.agent.boot;

import io.memspan.agent.probe.Kinds;

/** What the woven hash tables' resize methods call (see {@link ListHooks} for the rules). */
public final class HashHooks {
  private HashHooks() {}

  /**
   * {@code HashMap.resize()}: also serves LinkedHashMap and HashSet (their tables are HashMaps).
   * A null table is the first allocation, sized by the threshold field (or 16).
   */
  public static long hashMapEnter(Object self, Object[] table, int threshold, int size) {
    try {
      int old = table == null ? 0 : table.length;
      long predicted = old > 0 ? (long) old << 1 : (threshold > 0 ? threshold : 16);
      if (predicted < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.HASH_MAP, self, null, old, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /**
   * {@code ConcurrentHashMap.transfer(tab, nextTab)}: the thread that starts a resize calls it with
   * a null {@code nextTab}; helper threads call it with the table being filled. Every participant
   * passes the same old {@code tab}, which the recorder turns into the shared resize id.
   */
  public static long concurrentHashMapEnter(Object self, Object[] tab, Object[] nextTab) {
    try {
      if (tab == null || ((long) tab.length << 1) < MemspanHooks.threshold) {
        return 0L;
      }
      int old = tab.length;
      if (nextTab == null) {
        // Only the JDK's own mappingCount: a subclass's override is application code, which
        // must not run (or throw) inside the JDK's resize. A subclass's size is not known.
        long size = self.getClass() == java.util.concurrent.ConcurrentHashMap.class
            ? ((java.util.concurrent.ConcurrentHashMap<?, ?>) self).mappingCount() : -1;
        return MemspanHooks.begin(Kinds.CONCURRENT_HASH_MAP, self, tab, old, size);
      }
      return MemspanHooks.begin(Kinds.CONCURRENT_HASH_MAP_HELPER, self, tab, old, -1);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** ConcurrentHashMap's exit: the new table is twice the old one it was given. */
  public static void concurrentHashMapExit(Object[] tab, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, null, tab == null ? 0 : (long) tab.length << 1);
    }
  }

  /** {@code IdentityHashMap.resize(int newCapacity)}: keys and values share one array. */
  public static long identityHashMapEnter(Object self, Object[] table, int size,
      int newCapacity) {
    try {
      if (newCapacity < MemspanHooks.threshold || table == null) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.IDENTITY_HASH_MAP, self, null, table.length >> 1, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** IdentityHashMap's exit: capacity is half the array (a key and a value per entry). */
  public static void identityHashMapExit(Object[] table, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, null, table == null ? 0 : table.length >> 1);
    }
  }

  /** {@code WeakHashMap.resize(int newCapacity)}. */
  public static long weakHashMapEnter(Object self, Object[] table, int size, int newCapacity) {
    try {
      if (newCapacity < MemspanHooks.threshold || table == null) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.WEAK_HASH_MAP, self, null, table.length, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** {@code Hashtable.rehash()}: 2n + 1. */
  public static long hashtableEnter(Object self, Object[] table, int size) {
    try {
      if (table == null || ((long) table.length << 1) + 1 < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.HASHTABLE, self, null, table.length, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** The exit of tables whose capacity is their array's length. */
  public static void exit(Object[] table, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, null, table == null ? 0 : table.length);
    }
  }
}
