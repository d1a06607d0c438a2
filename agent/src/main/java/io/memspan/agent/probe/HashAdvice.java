package io.memspan.agent.probe;

import io.memspan.agent.boot.MemspanHooks;
import net.bytebuddy.asm.Advice;

/** Advice inlined into the hash tables' resize methods (see {@link ListAdvice} for the rules). */
public final class HashAdvice {
  private HashAdvice() {}

  /**
   * {@code HashMap.resize()}: also serves LinkedHashMap and HashSet (their tables are HashMaps).
   * A null table is the first allocation, sized by the threshold field (or 16).
   */
  public static final class HashMapResize {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("table") Object[] table,
        @Advice.FieldValue("threshold") int threshold,
        @Advice.FieldValue("size") int size) {
      int old = table == null ? 0 : table.length;
      long predicted = old > 0 ? (long) old << 1 : (threshold > 0 ? threshold : 16);
      if (predicted < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.HASH_MAP, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("table") Object[] table) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, table == null ? 0 : table.length);
      }
    }
  }

  /**
   * {@code ConcurrentHashMap.transfer(tab, nextTab)}: the thread that starts a resize calls it with
   * a null {@code nextTab}; helper threads call it with the table being filled. Every participant
   * passes the same old {@code tab}, which the recorder turns into the shared resize id.
   */
  public static final class ConcurrentHashMapTransfer {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.Argument(0) Object[] tab,
        @Advice.Argument(1) Object[] nextTab) {
      int old = tab.length;
      if (((long) old << 1) < MemspanHooks.threshold) {
        return 0L;
      }
      if (nextTab == null) {
        long size = ((java.util.concurrent.ConcurrentHashMap<?, ?>) self).mappingCount();
        return MemspanHooks.begin(Kinds.CONCURRENT_HASH_MAP, self, tab, old, size);
      }
      return MemspanHooks.begin(Kinds.CONCURRENT_HASH_MAP_HELPER, self, tab, old, -1);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.Argument(0) Object[] tab) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, (long) tab.length << 1);
      }
    }
  }

  /** {@code IdentityHashMap.resize(int newCapacity)}: keys and values share one array. */
  public static final class IdentityHashMapResize {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("table") Object[] table,
        @Advice.FieldValue("size") int size,
        @Advice.Argument(0) int newCapacity) {
      if (newCapacity < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.IDENTITY_HASH_MAP, self, null, table.length >> 1, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("table") Object[] table) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, table.length >> 1);
      }
    }
  }

  /** {@code WeakHashMap.resize(int newCapacity)}. */
  public static final class WeakHashMapResize {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("table") Object[] table,
        @Advice.FieldValue("size") int size,
        @Advice.Argument(0) int newCapacity) {
      if (newCapacity < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.WEAK_HASH_MAP, self, null, table.length, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("table") Object[] table) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, table.length);
      }
    }
  }

  /** {@code Hashtable.rehash()}: 2n + 1. */
  public static final class HashtableRehash {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("table") Object[] table,
        @Advice.FieldValue("count") int size) {
      int old = table.length;
      if (((long) old << 1) + 1 < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.HASHTABLE, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("table") Object[] table) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, table.length);
      }
    }
  }
}
