package io.memspan.bpf;

import java.nio.ByteBuffer;

/**
 * Java's one definition of {@code struct memspan_slot} and {@code struct memspan_counters} of
 * memspan.bpf.c. SlotLayoutTest checks every offset here against the C compiler's offsetof.
 */
final class SlotLayout {
  static final int MAX_FAULT_ADDRS = 16;
  /** Slots probed from {@code tid & mask} before giving up (MEMSPAN_PROBE_LIMIT). */
  static final int PROBE_LIMIT = 8;

  // struct memspan_counters
  static final int C_USER_FAULTS = 0;
  static final int C_KERNEL_FAULTS = 8;
  static final int C_MMAP_COUNT = 16;
  static final int C_MMAP_BYTES = 24;
  static final int C_MUNMAP_COUNT = 32;
  static final int C_MUNMAP_BYTES = 40;
  static final int C_MREMAP_COUNT = 48;
  static final int C_BRK_COUNT = 56;
  static final int C_MADVISE_COUNT = 64;
  static final int COUNTERS_SIZE = 72;

  // struct memspan_slot
  static final int TID = 0;
  static final int FAULT_ADDR_COUNT = 4;
  static final int OP_ID = 8;
  static final int OP = 16;
  static final int IDLE = 88;
  static final int FAULT_ADDRS = 160;
  static final int SIZE = 320;

  private SlotLayout() {}

  /**
   * The nine counters of the {@code struct memspan_counters} at {@code at} of {@code memory}, with
   * plain loads: for memory only this thread's own syscalls and faults write (its op counters
   * after disarm, a value the kernel copied out of {@code idle_threads}).
   */
  static void readCounters(ByteBuffer memory, int at, SlotCounters into) {
    read(memory, at, into, false);
  }

  /**
   * The same with opaque loads, for counters another thread's kernel events may be adding to
   * while we read (a slot's idle half, read by the reporting thread): each load really happens.
   */
  static void readCountersOpaque(ByteBuffer memory, int at, SlotCounters into) {
    read(memory, at, into, true);
  }

  /**
   * The one reader of the counters layout. {@code opaque} is a constant at each caller, so the JIT
   * folds the choice away: the owner's readOp keeps plain loads (opaque ones measured about twice
   * as slow in BccSlotBench).
   */
  private static void read(ByteBuffer memory, int at, SlotCounters into, boolean opaque) {
    into.userFaults = load(memory, at + C_USER_FAULTS, opaque);
    into.kernelFaults = load(memory, at + C_KERNEL_FAULTS, opaque);
    into.mmapCount = load(memory, at + C_MMAP_COUNT, opaque);
    into.mmapBytes = load(memory, at + C_MMAP_BYTES, opaque);
    into.munmapCount = load(memory, at + C_MUNMAP_COUNT, opaque);
    into.munmapBytes = load(memory, at + C_MUNMAP_BYTES, opaque);
    into.mremapCount = load(memory, at + C_MREMAP_COUNT, opaque);
    into.brkCount = load(memory, at + C_BRK_COUNT, opaque);
    into.madviseCount = load(memory, at + C_MADVISE_COUNT, opaque);
  }

  private static long load(ByteBuffer memory, int offset, boolean opaque) {
    return opaque
        ? (long) BccSlot.LONGS.getOpaque(memory, offset)
        : (long) BccSlot.LONGS.get(memory, offset);
  }
}
