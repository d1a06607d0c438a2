package io.memspan.bpf;

import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The program's {@code stats} array (BPF_F_MMAPABLE), read straight from the mapping; one entry,
 * {@link #TAKEN}, is written by the ring's reader for the program to read.
 */
final class KernelStats implements AutoCloseable {
  // Indexes: MEMSPAN_STAT_* in memspan.bpf.c.
  static final int GENERATED = 0;
  static final int LOST = 1;
  static final int IDLE_UNCOUNTED = 2;
  /** Written by the reader: the program wakes it once a quarter of the ring is unread. */
  static final int TAKEN = 3;
  static final int COUNT = 8;

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final Pointer address;
  private final long length;
  private final ByteBuffer view;
  private boolean closed;

  KernelStats(int mapFd) {
    this.length = LibC.getpagesize();
    this.address = LibC.map(mapFd, length, LibC.PROT_READ | LibC.PROT_WRITE, 0, "stats map");
    this.view = address.getByteBuffer(0, length);
  }

  /** Only under the probe's lock: close unmaps. */
  long get(int index) {
    return closed ? 0 : (long) LONGS.getVolatile(view, index * 8);
  }

  /** Only under the probe's lock: publishes how many records the reader has taken. */
  void publishTaken(long records) {
    if (!closed) {
      LONGS.setRelease(view, TAKEN * 8, records);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.munmap(address, length);
    }
  }
}
