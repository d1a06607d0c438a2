package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The getrusage fallback against the real kernel: one fault per touched page, attributed by arming. */
class RusageProbeTest {

  static final long MIB_64 = 64L << 20;
  static final long PAGES = MIB_64 / TestLibC.PAGE; // 16384
  /** getrusage also counts whatever the JVM itself faults in between arm and disarm. */
  private static final long SLACK = 64;

  /** A fresh 64 MiB mapping without transparent huge pages: one fault per 4 KiB page when touched. */
  static Pointer map64() {
    Pointer p = TestLibC.mapAnonymous(MIB_64);
    assertEquals(0, TestLibC.INSTANCE.madvise(p, MIB_64, TestLibC.MADV_NOHUGEPAGE));
    return p;
  }

  static void unmap(Pointer... maps) {
    for (Pointer p : maps) {
      TestLibC.INSTANCE.munmap(p, MIB_64);
    }
  }

  @Test
  void armedTouchOf64MiBCountsOneFaultPerPage() {
    Pointer pages = map64();
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();

      slot.arm(7);
      TestLibC.touch(pages, MIB_64);
      slot.disarm();
      slot.readOp(op);

      assertEquals("rusage", probe.source());
      assertTrue(Math.abs(op.userFaults - PAGES) <= SLACK, "faults inside the op: " + op.userFaults);
      assertEquals(0, op.kernelFaults, "rusage cannot tell kernel-mode faults apart");
      assertEquals(0, op.mmapCount, "rusage sees no syscalls");
    } finally {
      unmap(pages);
    }
  }

  @Test
  void disarmedTouchCountsAsIdleNotIntoTheOp() {
    Pointer first = map64();
    Pointer second = map64();
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();
      SlotCounters idleBefore = new SlotCounters();
      SlotCounters idleAfter = new SlotCounters();

      slot.arm(1);
      TestLibC.touch(first, MIB_64);
      slot.disarm();
      slot.readIdle(idleBefore);
      TestLibC.touch(second, MIB_64); // not armed
      slot.readIdle(idleAfter);
      slot.readOp(op);

      assertTrue(Math.abs(op.userFaults - PAGES) <= SLACK, "the op keeps only its own faults: " + op.userFaults);
      long idle = idleAfter.userFaults - idleBefore.userFaults;
      assertTrue(Math.abs(idle - PAGES) <= SLACK, "idle faults: " + idle);
    } finally {
      unmap(first, second);
    }
  }

  @Test
  void readOpWhileArmedIsLive() {
    Pointer pages = map64();
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();
      slot.arm(5);
      TestLibC.touch(pages, MIB_64);
      slot.readOp(op);
      slot.disarm();
      assertTrue(Math.abs(op.userFaults - PAGES) <= SLACK, "faults so far: " + op.userFaults);
    } finally {
      unmap(pages);
    }
  }

  @Test
  void idleThreadsListEveryThreadAndForgetExitedOnes() throws Exception {
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      int me = probe.claimCurrentThread().tid();
      int[] workerTid = new int[1];
      Thread worker = new Thread(() -> workerTid[0] = probe.claimCurrentThread().tid(), "rusage-worker");
      worker.start();
      worker.join();
      assertEquals(2, probe.stats().slotsInUse());

      // The native thread outlives Thread.join() by a moment: wait for /proc to drop it.
      Map<Integer, Long> idle = idleByTid(probe);
      for (long deadline = System.nanoTime() + 5_000_000_000L;
          idle.containsKey(workerTid[0]) && System.nanoTime() < deadline; Thread.sleep(10)) {
        idle = idleByTid(probe);
      }

      assertTrue(idle.containsKey(me), "the calling thread is listed");
      assertTrue(idle.size() > 3, "the JVM's own threads are listed too: " + idle.keySet());
      assertFalse(idle.containsKey(workerTid[0]), "the exited worker is gone from /proc");
      assertEquals(1, probe.stats().slotsInUse(), "the exited worker's slot is forgotten");
      assertSame(probe.claimCurrentThread(), probe.claimCurrentThread(), "one slot per thread");
    }
  }

  @Test
  void idleFaultsOfALiveThreadExcludeItsArmedOp() throws Exception {
    Pointer armed = map64();
    Pointer idle = map64();
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      Object done = new Object();
      int[] tid = new int[1];
      List<Throwable> failures = new ArrayList<>();
      Thread worker = new Thread(() -> {
        try {
          ThreadSlot s = probe.claimCurrentThread();
          tid[0] = s.tid();
          s.arm(9);
          TestLibC.touch(armed, MIB_64);
          s.disarm();
          TestLibC.touch(idle, MIB_64);
          synchronized (done) {
            done.notifyAll();
            done.wait(); // stay alive while the main thread reads /proc
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "rusage-live-worker");
      synchronized (done) {
        worker.start();
        done.wait();
        Map<Integer, Long> idleNow = idleByTid(probe);
        done.notifyAll();
        long workerIdle = idleNow.get(tid[0]);
        // The worker's idle share: the second 64 MiB and its own start-up faults, never the armed first.
        assertTrue(workerIdle >= PAGES - SLACK && workerIdle < 2 * PAGES - SLACK,
            "worker idle faults: " + workerIdle);
      }
      worker.join();
      assertTrue(failures.isEmpty(), failures.toString());
    } finally {
      unmap(armed, idle);
    }
  }

  /** libc read(2), so the kernel itself writes into fresh user memory. */
  interface Read extends Library {
    Read INSTANCE = Native.load("c", Read.class);

    long read(int fd, Pointer buf, long count);

    int open(String path, int flags);

    int close(int fd);
  }

  @Test
  void faultsTheKernelTakesInsideReadCountAsUserFaults(@TempDir Path tmp) throws Exception {
    long mib16 = 16L << 20;
    Path file = tmp.resolve("16MiB");
    Files.write(file, new byte[(int) mib16]); // now in the page cache
    Pointer buffer = TestLibC.mapAnonymous(mib16);
    TestLibC.INSTANCE.madvise(buffer, mib16, TestLibC.MADV_NOHUGEPAGE);
    int fd = Read.INSTANCE.open(file.toString(), 0);
    assertTrue(fd >= 0, "open");
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();
      slot.arm(11);
      long n = Read.INSTANCE.read(fd, buffer, mib16); // copy_to_user faults each fresh page in
      slot.disarm();
      slot.readOp(op);

      assertEquals(mib16, n);
      // page_fault_user does not see these; getrusage does, and cannot say they were kernel-mode.
      assertEquals(mib16 / TestLibC.PAGE, op.userFaults, SLACK, op.toString());
      assertEquals(0, op.kernelFaults);
    } finally {
      Read.INSTANCE.close(fd);
      TestLibC.INSTANCE.munmap(buffer, mib16);
    }
  }

  @Test
  void pollDeliversNothing() {
    try (MemoryProbe probe = MemoryProbes.rusage()) {
      assertEquals(0, probe.poll(r -> { throw new AssertionError("no records from rusage"); }));
      assertEquals(0, probe.stats().recordsGenerated());
    }
  }

  private static Map<Integer, Long> idleByTid(MemoryProbe probe) {
    Map<Integer, Long> out = new HashMap<>();
    probe.forEachIdleThread((tid, c) -> out.put(tid, c.userFaults));
    return out;
  }
}
