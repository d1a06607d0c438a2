package io.memspan.bpf;

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
}
