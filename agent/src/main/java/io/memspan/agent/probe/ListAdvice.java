package io.memspan.agent.probe;

import io.memspan.agent.boot.MemspanHooks;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the array-backed lists' grow methods. The enter half predicts the new
 * capacity from the JDK's growth policy and returns 0 (one volatile load, one compare, no call)
 * unless it reaches the threshold. Only {@link MemspanHooks} may be referenced from here: this code
 * runs inside {@code java.base}.
 */
public final class ListAdvice {
  private ListAdvice() {}

  /** {@code ArrayList.grow(int minCapacity)}: 1.5x, or the minimum if larger. */
  public static final class ArrayListGrow {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("elementData") Object[] data,
        @Advice.FieldValue("size") int size,
        @Advice.Argument(0) int minCapacity) {
      int old = data.length;
      int grown = old + (old >> 1);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.ARRAY_LIST, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("elementData") Object[] data) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, data.length);
      }
    }
  }

  /** {@code Vector.grow(int minCapacity)}: doubles, or adds capacityIncrement. */
  public static final class VectorGrow {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("elementData") Object[] data,
        @Advice.FieldValue("elementCount") int size,
        @Advice.FieldValue("capacityIncrement") int increment,
        @Advice.Argument(0) int minCapacity) {
      int old = data.length;
      int grown = old + (increment > 0 ? increment : old);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.VECTOR, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("elementData") Object[] data) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, data.length);
      }
    }
  }

  /** {@code ArrayDeque.grow(int needed)}: doubles while small, then 1.5x. */
  public static final class ArrayDequeGrow {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("elements") Object[] data,
        @Advice.Argument(0) int needed) {
      int old = data.length;
      int jump = old < 64 ? old + 2 : old >> 1;
      if (old + (jump > needed ? jump : needed) < MemspanHooks.threshold) {
        return 0L;
      }
      // grow(1) is called when the deque is full (head == tail, so size() would say 0)
      int size = needed == 1 ? old : ((java.util.ArrayDeque<?>) self).size();
      return MemspanHooks.begin(Kinds.ARRAY_DEQUE, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("elements") Object[] data) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, data.length);
      }
    }
  }

  /** {@code PriorityQueue.grow(int minCapacity)}: doubles while small, then 1.5x. */
  public static final class PriorityQueueGrow {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("queue") Object[] data,
        @Advice.FieldValue("size") int size,
        @Advice.Argument(0) int minCapacity) {
      int old = data.length;
      int grown = old + (old < 64 ? old + 2 : old >> 1);
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.PRIORITY_QUEUE, self, null, old, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("queue") Object[] data) {
      if (opId != 0L) {
        MemspanHooks.end(opId, null, data.length);
      }
    }
  }
}
