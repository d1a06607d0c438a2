package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two threads armed at the same time with different ops: each op sees only its own thread. */
class ConcurrentAttributionTest {
  static MemoryProbe probe;

  @BeforeAll
  static void load() {
    probe = Probes.load(ProbeOptions.defaults());
  }

  @AfterAll
  static void close() {
    if (probe != null) {
      probe.close();
    }
  }

  static final class Worker extends Thread {
    final long opId;
    final long bytes;
    final CyclicBarrier barrier;
    final SlotCounters counters = new SlotCounters();
    volatile int tid;
    volatile long address;
    volatile Throwable failure;

    Worker(long opId, long bytes, CyclicBarrier barrier) {
      super("memspan-test-worker-" + opId);
      this.opId = opId;
      this.bytes = bytes;
      this.barrier = barrier;
    }

    @Override
    public void run() {
      try {
        ThreadSlot slot = probe.claimCurrentThread();
        tid = slot.tid();
        // Warm up JNA and the loop on this thread, unarmed.
        Pointer warm = TestLibC.mapAnonymous(1 << 20);
        TestLibC.touch(warm, 1 << 20);
        TestLibC.INSTANCE.munmap(warm, 1 << 20);
        barrier.await();
        slot.arm(opId);
        barrier.await(); // both armed from here on
        Pointer p = TestLibC.mapAnonymous(bytes);
        TestLibC.INSTANCE.madvise(p, bytes, TestLibC.MADV_NOHUGEPAGE);
        TestLibC.touch(p, bytes);
        address = Pointer.nativeValue(p);
        barrier.await(); // both done before either disarms
        slot.disarm();
        slot.readOp(counters);
        TestLibC.INSTANCE.munmap(p, bytes);
      } catch (Throwable t) {
        failure = t;
      }
    }
  }

  @Test
  void noCrossAttribution() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    Worker a = new Worker(1001, 64L << 20, barrier);
    Worker b = new Worker(2002, 16L << 20, barrier);
    a.start();
    b.start();
    a.join();
    b.join();
    assertEquals(null, a.failure);
    assertEquals(null, b.failure);
    assertTrue(a.tid != b.tid && a.tid > 0 && b.tid > 0);

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
        && r.syscall() == SyscallRecord.Syscall.MMAP && r.ret() == a.address));
    assertTrue(records.stream().anyMatch(r -> r.opId() == b.opId
        && r.syscall() == SyscallRecord.Syscall.MMAP && r.ret() == b.address));
  }
}
