package io.memspan.bpf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A claimed slot in the mapped {@code slots} array. Arm and disarm are plain stores into memory the
 * kernel reads on the same thread: no syscall. Only the owning thread calls arm/disarm/readOp.
 */
final class BccSlot implements ThreadSlot {
  static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private final ByteBuffer slots;
  private final int base;
  private final int tid;
  final int index;
  final WeakReference<Thread> owner;

  BccSlot(ByteBuffer slots, int index, int tid, Thread owner) {
    this.slots = slots;
    this.index = index;
    this.base = index * SlotLayout.SIZE;
    this.tid = tid;
    this.owner = new WeakReference<>(owner);
  }

  @Override
  public int tid() {
    return tid;
  }

  @Override
  public void arm(long opId) {
    int op = base + SlotLayout.OP;
    for (int c = 0; c < SlotLayout.COUNTERS_SIZE; c += 8) {
      LONGS.set(slots, op + c, 0L);
    }
    INTS.set(slots, base + SlotLayout.FAULT_ADDR_COUNT, 0);
    // Release: the zeroed counters are in place before the kernel sees the op armed.
    LONGS.setRelease(slots, base + SlotLayout.OP_ID, opId);
  }

  @Override
  public void disarm() {
    LONGS.setRelease(slots, base + SlotLayout.OP_ID, 0L);
  }

  @Override
  public void readOp(SlotCounters into) {
    SlotLayout.readCounters(slots, base + SlotLayout.OP, into);
  }

  /** Any thread may read the idle counters (forEachIdleThread does, for every slot holder). */
  @Override
  public void readIdle(SlotCounters into) {
    SlotLayout.readCountersOpaque(slots, base + SlotLayout.IDLE, into);
  }

  @Override
  public int readFaultAddresses(long[] into) {
    int n = Math.min((int) INTS.get(slots, base + SlotLayout.FAULT_ADDR_COUNT),
        SlotLayout.MAX_FAULT_ADDRS);
    n = Math.min(n, into.length);
    for (int i = 0; i < n; i++) {
      into[i] = (long) LONGS.get(slots, base + SlotLayout.FAULT_ADDRS + i * 8);
    }
    return n;
  }

  boolean ownerAlive() {
    Thread t = owner.get();
    return t != null && t.isAlive();
  }

  @Override
  public String toString() {
    return "slot " + index + " tid " + tid;
  }
}
