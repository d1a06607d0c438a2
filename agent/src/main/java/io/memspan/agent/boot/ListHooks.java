package io.memspan.agent.boot;

import io.memspan.agent.probe.Kinds;

/**
 * What the woven array-backed lists' grow methods call, with the fields they read passed in (the
 * JDK's fields are private; the weaver loads them in place). Each enter method predicts the new
 * capacity from the JDK's growth policy and returns 0 (one volatile load, one compare) unless it
 * reaches the threshold; small enough for the JIT to inline into the grow method. Never throws.
 */
public final class ListHooks {
  private ListHooks() {}

  /** {@code ArrayList.grow(int minCapacity)}: 1.5x, or the minimum if larger. */
  public static long arrayListEnter(Object self, Object[] data, int size, int minCapacity) {
    try {
      int old = data.length;
      int grown = old + (old >> 1);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.ARRAY_LIST, self, null, old, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** {@code Vector.grow(int minCapacity)}: doubles, or adds capacityIncrement. */
  public static long vectorEnter(Object self, Object[] data, int size, int increment,
      int minCapacity) {
    try {
      int old = data.length;
      int grown = old + (increment > 0 ? increment : old);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.VECTOR, self, null, old, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /**
   * {@code ArrayDeque.grow(int needed)}: doubles while small, then 1.5x. The size comes from the
   * head and tail fields, never from {@code size()}, which a subclass may override.
   */
  public static long arrayDequeEnter(Object self, Object[] data, int head, int tail, int needed) {
    try {
      int old = data.length;
      int jump = old < 64 ? old + 2 : old >> 1;
      if (old + (jump > needed ? jump : needed) < MemspanHooks.threshold) {
        return 0L;
      }
      // grow(1) is called when the deque is full: head == tail then means full, not empty
      int size = needed == 1 ? old : (tail - head + old) % old;
      return MemspanHooks.begin(Kinds.ARRAY_DEQUE, self, null, old, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** {@code PriorityQueue.grow(int minCapacity)}: doubles while small, then 1.5x. */
  public static long priorityQueueEnter(Object self, Object[] data, int size, int minCapacity) {
    try {
      int old = data.length;
      int grown = old + (old < 64 ? old + 2 : old >> 1);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.PRIORITY_QUEUE, self, null, old, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** Every list's exit: the backing array after the grow method (or its throw). */
  public static void exit(Object[] data, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, null, data == null ? 0 : data.length);
    }
  }
}
