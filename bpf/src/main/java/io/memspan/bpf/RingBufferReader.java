package io.memspan.bpf;

import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Consumes the {@code events} ring buffer (BPF_MAP_TYPE_RINGBUF) by reading its mapping directly,
 * as libbpf's ring_buffer__consume does, without a per-record native callback: the consumer
 * position page is mapped read-write, the producer position page and the data pages (mapped twice
 * back to back by the kernel, so a record never wraps) read-only. Single consumer: callers
 * serialize {@link #poll} and {@link #close}.
 */
final class RingBufferReader implements AutoCloseable {
  // Record header: u32 length with these two flags, u32 page offset (kernel/bpf/ringbuf.c).
  static final int BUSY_BIT = 1 << 31;
  static final int DISCARD_BIT = 1 << 30;
  static final int HEADER_SIZE = 8;

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final SyscallRecord.Syscall[] KINDS = SyscallRecord.Syscall.values();

  private final int page;
  private final long mask;
  private final Pointer consumerAddress;
  private final Pointer producerAddress;
  private final long producerLength;
  private final ByteBuffer consumer;
  private final ByteBuffer producer;
  private long delivered;
  private long discarded;
  private long unreadable;
  private boolean closed;

  RingBufferReader(int ringFd, int ringBytes) {
    this.page = LibC.getpagesize();
    this.mask = ringBytes - 1;
    this.consumerAddress =
        LibC.map(ringFd, page, LibC.PROT_READ | LibC.PROT_WRITE, 0, "ring consumer page");
    this.producerLength = page + 2L * ringBytes;
    try {
      this.producerAddress =
          LibC.map(ringFd, producerLength, LibC.PROT_READ, page, "ring producer page and data");
    } catch (RuntimeException e) {
      LibC.munmap(consumerAddress, page);
      throw e;
    }
    this.consumer = consumerAddress.getByteBuffer(0, page);
    // Read-only view: a stray write would fault; VarHandles refuse to write through it instead.
    this.producer = producerAddress.getByteBuffer(0, producerLength).asReadOnlyBuffer();
  }

  /**
   * Hands every committed record to {@code sink} and frees its space; stops at the first record
   * still being written (busy bit). Returns the number delivered. If {@code sink} throws, the
   * records already handed over (the throwing one included) stay delivered and their space freed,
   * so nothing is handed over twice and the counts stay true.
   */
  int poll(Consumer<SyscallRecord> sink) {
    if (closed) {
      return 0;
    }
    int count = 0;
    long cons = (long) LONGS.getAcquire(consumer, 0);
    long released = cons;
    try {
      while (true) {
        long prod = (long) LONGS.getAcquire(producer, 0);
        if (cons >= prod) {
          break;
        }
        boolean progressed = false;
        while (cons < prod) {
          int header = page + (int) (cons & mask);
          int len = (int) INTS.getAcquire(producer, header);
          if ((len & BUSY_BIT) != 0) {
            break;
          }
          int size = len & ~(BUSY_BIT | DISCARD_BIT);
          cons += (size + HEADER_SIZE + 7) & ~7L;
          progressed = true;
          if ((len & DISCARD_BIT) != 0) {
            discarded++;
            continue;
          }
          SyscallRecord record = decode(header + HEADER_SIZE);
          if (record == null) {
            unreadable++;
            continue;
          }
          count++;
          sink.accept(record);
        }
        if (!progressed) {
          break;
        }
        // Release, once per batch: the records are read before the kernel may reuse their space.
        LONGS.setRelease(consumer, 0, cons);
        released = cons;
      }
    } finally {
      if (released != cons) {
        LONGS.setRelease(consumer, 0, cons);
      }
      delivered += count;
    }
    return count;
  }

  /** The record at {@code at}, or null when its kind is none memspan.bpf.c writes. */
  private SyscallRecord decode(int at) {
    int kind = (int) INTS.get(producer, at + EventLayout.KIND);
    if (kind < 1 || kind > KINDS.length) {
      return null;
    }
    SyscallRecord.Syscall syscall = KINDS[kind - 1];
    long[] args = new long[syscall.argCount()];
    for (int i = 0; i < args.length; i++) {
      args[i] = (long) LONGS.get(producer, at + EventLayout.ARGS + i * 8);
    }
    return new SyscallRecord(syscall,
        (int) INTS.get(producer, at + EventLayout.TID),
        (long) LONGS.get(producer, at + EventLayout.ENTER_NS),
        (long) LONGS.get(producer, at + EventLayout.EXIT_NS),
        args,
        (long) LONGS.get(producer, at + EventLayout.RET),
        (long) LONGS.get(producer, at + EventLayout.OP_ID));
  }

  /** Records skipped because their kind is unknown (a layout mismatch); reported as lost. */
  long unreadable() {
    return unreadable;
  }

  long delivered() {
    return delivered;
  }

  /** Every record passed, delivered or not: what the program counts as no longer unread. */
  long taken() {
    return delivered + discarded + unreadable;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.munmap(producerAddress, producerLength);
      LibC.munmap(consumerAddress, page);
    }
  }
}
