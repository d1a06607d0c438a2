package io.memspan.bench.bpf;

import com.sun.jna.Pointer;

/** Writes one byte per 4 KiB page of native memory: one minor fault per page on a fresh mapping. */
final class Touch {
  private Touch() {}

  static void pages(long address, long bytes) {
    Pointer p = new Pointer(address);
    for (long off = 0; off < bytes; off += 4096) {
      p.setByte(off, (byte) 1);
    }
  }

  /**
   * Reads one byte per page and returns their sum: on a fresh private anonymous mapping each read
   * faults in the kernel's shared zero page (no page allocated or cleared), the cheapest fault.
   */
  static long read(long address, long bytes) {
    Pointer p = new Pointer(address);
    long sum = 0;
    for (long off = 0; off < bytes; off += 4096) {
      sum += p.getByte(off);
    }
    return sum;
  }
}
