package io.memspan.bpf;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@code slots} array mapped into this process. A thread claims the first slot, probing from
 * {@code tid & mask} (as memspan.bpf.c's find_slot), that is free (tid 0), zeroes it and stores its
 * own tid; the kernel then finds it without any registration syscall. Slots of ended threads are
 * released by {@link #releaseDead}.
 */
final class SlotTable implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final int mask;
  private final long length;
  private final Pointer address;
  private final ByteBuffer view;
  private final BccSlot[] owners;
  private int inUse;
  private boolean closed;
  /**
   * Idle counters of slots freed (or taken over by a new thread with the same tid) since the last
   * {@link #takeRetired}: a thread's final numbers, read before its slot is zeroed, so whoever
   * frees the slot (a claim on an application thread, or the periodic report) loses none of them.
   */
  private final Map<Integer, SlotCounters> retired = new HashMap<>();

  SlotTable(int mapFd, int slots) {
    this.mask = slots - 1;
    int page = LibC.getpagesize();
    this.length = ((long) slots * SlotLayout.SIZE + page - 1) / page * page;
    this.address = LibC.map(mapFd, length, LibC.PROT_READ | LibC.PROT_WRITE, 0, "slots map");
    this.view = address.getByteBuffer(0, length);
    this.owners = new BccSlot[slots];
  }

  /** The calling thread's slot, or null when all probed slots belong to live threads. */
  synchronized BccSlot claim(int tid, Thread thread) {
    if (closed) {
      return null;
    }
    for (int i = 0; i < SlotLayout.PROBE_LIMIT && i <= mask; i++) {
      int index = (tid + i) & mask;
      int at = index * SlotLayout.SIZE + SlotLayout.TID;
      int current = (int) BccSlot.INTS.getVolatile(view, at);
      if (current == tid) {
        BccSlot mine = owners[index];
        if (mine != null && mine.owner.get() == thread) {
          return mine;
        }
        // A dead thread's slot whose tid the kernel gave to this thread: take it over.
        retire(index, tid);
        clear(index);
        BccSlot slot = new BccSlot(view, index, tid, thread);
        if (mine == null) {
          inUse++;
        }
        owners[index] = slot;
        return slot;
      }
      if (current == 0) {
        // A free slot's memory may hold what the kernel counted for its previous owner; zero it
        // before the tid is published, so the new owner never inherits stale counters.
        clear(index);
        BccSlot.INTS.setRelease(view, at, tid);
        BccSlot slot = new BccSlot(view, index, tid, thread);
        owners[index] = slot;
        inUse++;
        return slot;
      }
    }
    return null;
  }

  /** Visits the slots of live and ended threads; {@link #releaseDead} frees the ended ones. */
  synchronized void forEachClaimed(Consumer<BccSlot> visitor) {
    if (closed) {
      return;
    }
    for (BccSlot slot : owners) {
      if (slot != null) {
        visitor.accept(slot);
      }
    }
  }

  /**
   * Frees slots whose thread ended; returns how many. Thread.isAlive turns false before the native
   * thread has exited, and until then the kernel still counts its faults and syscalls into the
   * slot, so a slot is freed only once its task has left /proc/self/task.
   */
  synchronized int releaseDead() {
    int released = 0;
    for (int i = 0; i < owners.length && !closed; i++) {
      BccSlot slot = owners[i];
      if (slot != null && !slot.ownerAlive() && !taskExists(slot.tid())) {
        owners[i] = null;
        retire(i, slot.tid());
        clear(i);
        BccSlot.INTS.setRelease(view, i * SlotLayout.SIZE + SlotLayout.TID, 0);
        inUse--;
        released++;
      }
    }
    return released;
  }

  /** Hands over, and forgets, the final idle counters of the slots freed since the last call. */
  synchronized void takeRetired(BiConsumer<Integer, SlotCounters> visitor) {
    retired.forEach(visitor);
    retired.clear();
  }

  private void retire(int index, int tid) {
    SlotCounters last = new SlotCounters();
    SlotLayout.readCountersOpaque(view, index * SlotLayout.SIZE + SlotLayout.IDLE, last);
    retired.merge(tid, last, SlotCounters::add);
  }

  private static boolean taskExists(int tid) {
    return Files.exists(Path.of("/proc/self/task", Integer.toString(tid)));
  }

  synchronized int inUse() {
    return inUse;
  }

  private void clear(int index) {
    int base = index * SlotLayout.SIZE;
    BccSlot.LONGS.setRelease(view, base + SlotLayout.OP_ID, 0L);
    for (int off = SlotLayout.OP; off < SlotLayout.SIZE; off += 8) {
      BccSlot.LONGS.set(view, base + off, 0L);
    }
    BccSlot.INTS.set(view, base + SlotLayout.FAULT_ADDR_COUNT, 0);
  }

  /**
   * Unmaps the BPF map. Threads may still hold their slot and arm it concurrently, so the range is
   * atomically replaced by anonymous memory (MAP_FIXED) instead of left unmapped; that memory is
   * unmapped once the last slot object is unreachable.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Pointer p = LibC.mmap(address, length, LibC.PROT_READ | LibC.PROT_WRITE,
        LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_FIXED, -1, 0);
    if (p == null || Pointer.nativeValue(p) == LibC.MAP_FAILED) {
      // Cannot happen for a range we own; unmapping would risk a crash, so keep the map mapped.
      return;
    }
    long addr = Pointer.nativeValue(address);
    long len = length;
    CLEANER.register(view, () -> LibC.munmap(new Pointer(addr), len));
    java.util.Arrays.fill(owners, null);
    inUse = 0;
  }
}
