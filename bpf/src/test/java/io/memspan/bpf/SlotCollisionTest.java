package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two threads whose tids hash to the same slot ({@code tid & mask}): the second claims the next
 * slot, and the kernel's find_slot must probe past the first to count into it. Armed at once with
 * different ops and different amounts of memory, each op's counts are exact.
 */
class SlotCollisionTest {
  private static final int SLOTS = 8;

  /** A started thread that reports its tid, then runs {@code work} only if chosen. */
  static final class Candidate extends Thread {
    final CompletableFuture<Integer> tid = new CompletableFuture<>();
    final CompletableFuture<Runnable> work = new CompletableFuture<>();

    @Override
    public void run() {
      tid.complete(LibC.gettid());
      Runnable r = work.join();
      if (r != null) {
        r.run();
      }
    }
  }

  @Test
  void collidingTidsAreProbedByTheKernelWithoutCrossAttribution() throws Exception {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults().withSlots(SLOTS))) {
      // Nine threads cannot all hash differently into eight slots.
      Map<Integer, Candidate> byHash = new HashMap<>();
      List<Candidate> started = new ArrayList<>();
      Candidate first = null;
      Candidate second = null;
      for (int i = 0; i <= SLOTS && second == null; i++) {
        Candidate c = new Candidate();
        c.start();
        started.add(c);
        int hash = c.tid.get(10, TimeUnit.SECONDS) & (SLOTS - 1);
        Candidate earlier = byHash.putIfAbsent(hash, c);
        if (earlier != null) {
          first = earlier;
          second = c;
        }
      }
      assertNotNull(second, "two of nine threads share tid & " + (SLOTS - 1));
      int home = first.tid.get() & (SLOTS - 1);

      CyclicBarrier barrier = new CyclicBarrier(2);
      Worker a = new Worker(probe, 3001, 64L << 20, barrier);
      Worker b = new Worker(probe, 3002, 16L << 20, barrier);
      CompletableFuture<Void> aClaimed = new CompletableFuture<>();
      a.claimed = aClaimed;
      b.after = aClaimed; // b claims only once a holds the home slot
      for (Candidate c : started) {
        c.work.complete(c == first ? a : c == second ? b : null);
      }
      for (Candidate c : started) {
        c.join();
      }
      assertNull(a.failure);
      assertNull(b.failure);
      assertEquals(home, a.index, "the first claims its home slot");
      assertEquals((home + 1) & (SLOTS - 1), b.index, "the second probes to the next slot");

      assertEquals(1, a.counters.mmapCount, a.counters.toString());
      assertEquals(64L << 20, a.counters.mmapBytes, a.counters.toString());
      assertEquals(16384, a.counters.userFaults, 2, a.counters.toString());
      assertEquals(1, b.counters.mmapCount, b.counters.toString());
      assertEquals(16L << 20, b.counters.mmapBytes, b.counters.toString());
      assertEquals(4096, b.counters.userFaults, 2, b.counters.toString());

      List<SyscallRecord> records = Probes.drain(probe);
      for (SyscallRecord r : records) {
        if (r.opId() == a.opId) {
          assertEquals(a.tid, r.tid(), r.toString());
        } else if (r.opId() == b.opId) {
          assertEquals(b.tid, r.tid(), r.toString());
        }
      }
      assertTrue(records.stream().anyMatch(r -> r.opId() == a.opId
          && r.syscall() == SyscallRecord.Syscall.MMAP && r.args()[1] == 64L << 20), "a's mmap");
      assertTrue(records.stream().anyMatch(r -> r.opId() == b.opId
          && r.syscall() == SyscallRecord.Syscall.MMAP && r.args()[1] == 16L << 20), "b's mmap");
    }
  }

  static final class Worker implements Runnable {
    final MemoryProbe probe;
    final long opId;
    final long bytes;
    final CyclicBarrier barrier;
    final SlotCounters counters = new SlotCounters();
    CompletableFuture<Void> claimed;
    CompletableFuture<Void> after;
    volatile int tid;
    volatile int index = -1;
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
        if (claimed != null) {
          claimed.complete(null);
        }
        tid = slot.tid();
        index = ((BccSlot) slot).index;
        Pointer warm = TestLibC.mapAnonymous(1 << 20);
        TestLibC.touch(warm, 1 << 20);
        TestLibC.INSTANCE.munmap(warm, 1 << 20);
        barrier.await();
        slot.arm(opId);
        barrier.await(); // both armed from here on
        Pointer p = TestLibC.mapAnonymous(bytes);
        TestLibC.INSTANCE.madvise(p, bytes, TestLibC.MADV_NOHUGEPAGE);
        TestLibC.touch(p, bytes);
        barrier.await(); // both done before either disarms
        slot.disarm();
        slot.readOp(counters);
        TestLibC.INSTANCE.munmap(p, bytes);
      } catch (Throwable t) {
        failure = t;
        if (claimed != null) {
          claimed.completeExceptionally(t);
        }
        barrier.reset();
      }
    }
  }
}
