package io.memspan.agent.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer (the owning application thread), single-consumer (the poller) ring of
 * preallocated {@link OpRecord}s. Full means the poller is behind: the op is not recorded but
 * counted in {@link #drops}, never waited for.
 */
final class OpRing {
  private static final VarHandle HEAD;
  private static final VarHandle TAIL;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(OpRing.class, "head", long.class);
      TAIL = l.findVarHandle(OpRing.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final OpRecord[] slots;
  private final int mask;
  @SuppressWarnings("unused") private long head;
  @SuppressWarnings("unused") private long tail;
  /** ops this ring could not take, by type: written by the producer only */
  final RingDrops drops = new RingDrops();

  OpRing(int capacityPowerOfTwo) {
    slots = new OpRecord[capacityPowerOfTwo];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new OpRecord();
    }
    mask = capacityPowerOfTwo - 1;
  }

  /** Producer: the next free slot, or null when the ring is full (count the op in {@link #drops}). */
  OpRecord claim() {
    long t = (long) TAIL.getOpaque(this);
    if (t - (long) HEAD.getAcquire(this) >= slots.length) {
      return null;
    }
    return slots[(int) t & mask];
  }

  /**
   * Producer: makes the claimed slot visible to the consumer; true when this publish filled the
   * ring to exactly half. Only the producer adds, one at a time, so a ring that goes past half
   * passes through half: a burst is reported once, before it can overflow.
   */
  boolean publish() {
    long t = (long) TAIL.getOpaque(this) + 1;
    TAIL.setRelease(this, t);
    return t - (long) HEAD.getAcquire(this) == slots.length >> 1;
  }

  /** Consumer: the oldest published record, or null. */
  OpRecord peek() {
    long h = (long) HEAD.getOpaque(this);
    return h < (long) TAIL.getAcquire(this) ? slots[(int) h & mask] : null;
  }

  /** Consumer: frees the record returned by {@link #peek()}. */
  void release() {
    HEAD.setRelease(this, (long) HEAD.getOpaque(this) + 1);
  }

  boolean isEmpty() {
    return (long) HEAD.getAcquire(this) >= (long) TAIL.getAcquire(this);
  }
}
