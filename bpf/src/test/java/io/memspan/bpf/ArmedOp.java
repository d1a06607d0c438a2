package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One op armed on one thread's slot, as the attribution tests use it: {@code arm}, do the work,
 * {@link #disarm()} for the op's counters, {@link #records} for its ring records.
 */
final class ArmedOp {
  private final ThreadSlot slot;
  final long id;

  private ArmedOp(ThreadSlot slot, long id) {
    this.slot = slot;
    this.id = id;
  }

  static ArmedOp arm(ThreadSlot slot, long id) {
    slot.arm(id);
    return new ArmedOp(slot, id);
  }

  /** Disarms the op and returns what the kernel counted into it. */
  SlotCounters disarm() {
    slot.disarm();
    SlotCounters c = new SlotCounters();
    slot.readOp(c);
    return c;
  }

  /** This op's records among {@code all}, in ring order. */
  List<SyscallRecord> records(List<SyscallRecord> all) {
    return all.stream().filter(r -> r.opId() == id).collect(Collectors.toList());
  }

  /**
   * What {@link TestLibC#mapAndTouch} of {@code bytes} costs an op, exactly: one mmap of that size
   * and one user fault per 4 KiB page (± 2: the JVM may fault a page of its own on the thread).
   */
  static void assertOneTouchedMapping(SlotCounters c, long bytes) {
    assertEquals(1, c.mmapCount, c.toString());
    assertEquals(bytes, c.mmapBytes, c.toString());
    assertEquals(bytes / TestLibC.PAGE, c.userFaults, 2, c.toString());
  }

  /**
   * One of several threads that claim a slot, warm up, and map and touch {@code bytes} inside
   * their own op while the others are armed too (a barrier keeps every op armed throughout).
   */
  static final class Worker implements Runnable {
    final MemoryProbe probe;
    final long opId;
    final long bytes;
    final CyclicBarrier barrier;
    final SlotCounters counters = new SlotCounters();
    /** When set, the worker claims its slot only after this completes. */
    CompletableFuture<Void> after;
    /** Completed once the worker holds its slot. */
    final CompletableFuture<Void> claimed = new CompletableFuture<>();
    volatile int tid;
    volatile int index = -1;
    volatile long address;
    volatile Throwable failure;

    Worker(MemoryProbe probe, long opId, long bytes, CyclicBarrier barrier) {
      this.probe = probe;
      this.opId = opId;
      this.bytes = bytes;
      this.barrier = barrier;
    }

    @Override
    public void run() {
      try {
        if (after != null) {
          after.get(10, TimeUnit.SECONDS);
        }
        ThreadSlot slot = probe.claimCurrentThread();
        claimed.complete(null);
        tid = slot.tid();
        index = slot instanceof BccSlot ? ((BccSlot) slot).index : -1;
        TestLibC.mapTouchAndUnmap(1 << 20);
        barrier.await();
        ArmedOp op = arm(slot, opId);
        barrier.await(); // all armed from here on
        Pointer p = TestLibC.mapAndTouch(bytes);
        address = Pointer.nativeValue(p);
        barrier.await(); // all done before any disarms
        counters.copyFrom(op.disarm());
        TestLibC.INSTANCE.munmap(p, bytes);
      } catch (Throwable t) {
        failure = t;
        claimed.completeExceptionally(t);
        barrier.reset();
      }
    }

    /**
     * Its op holds exactly its own mapping, and every record tagged with its op came from its
     * thread, among them the mmap of that mapping.
     */
    void assertOnlyItsOwnMapping(List<SyscallRecord> records) {
      assertNull(failure, "worker " + opId + " failed");
      assertOneTouchedMapping(counters, bytes);
      for (SyscallRecord r : records) {
        if (r.opId() == opId) {
          assertEquals(tid, r.tid(), r.toString());
        }
      }
      assertTrue(records.stream().anyMatch(r -> r.opId() == opId
          && r.syscall() == SyscallRecord.Syscall.MMAP && r.ret() == address
          && r.args()[1] == bytes), "the mmap of op " + opId + " in " + records);
    }
  }
}
