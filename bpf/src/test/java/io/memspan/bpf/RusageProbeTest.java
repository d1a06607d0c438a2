package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The getrusage fallback against the real kernel: one fault per touched page, attributed by arming. */
class RusageProbeTest {

  /** getrusage also counts the few faults of the JVM's own code between arm and disarm. */
  private static final long SLACK = 64;

  @Test
  void armedTouchOf64MiBCountsOneFaultPerPage() {
    try (RusageProbe probe = RusageProbe.open();
        AnonymousPages pages = AnonymousPages.map(AnonymousPages.MIB_64)) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();

      slot.arm(7);
      pages.touchEveryPage();
      slot.disarm();
      slot.readOp(op);

      assertEquals("rusage", probe.source());
      assertTrue(Math.abs(op.userFaults - AnonymousPages.PAGES_64_MIB) <= SLACK,
          "faults inside the op: " + op.userFaults);
      assertEquals(0, op.kernelFaults, "rusage cannot tell kernel-mode faults apart");
      assertEquals(0, op.mmapCount, "rusage sees no syscalls");
    }
  }

  @Test
  void disarmedTouchCountsAsIdleNotIntoTheOp() {
    try (RusageProbe probe = RusageProbe.open();
        AnonymousPages first = AnonymousPages.map(AnonymousPages.MIB_64);
        AnonymousPages second = AnonymousPages.map(AnonymousPages.MIB_64)) {
      ThreadSlot slot = probe.claimCurrentThread();
      SlotCounters op = new SlotCounters();
      SlotCounters idleBefore = new SlotCounters();
      SlotCounters idleAfter = new SlotCounters();

      slot.arm(1);
      first.touchEveryPage();
      slot.disarm();
      slot.readIdle(idleBefore);
      second.touchEveryPage(); // not armed
      slot.readIdle(idleAfter);
      slot.readOp(op);

      assertTrue(Math.abs(op.userFaults - AnonymousPages.PAGES_64_MIB) <= SLACK,
          "the op keeps only its own faults: " + op.userFaults);
      long idle = idleAfter.userFaults - idleBefore.userFaults;
      assertTrue(Math.abs(idle - AnonymousPages.PAGES_64_MIB) <= SLACK, "idle faults: " + idle);
    }
  }

  @Test
  void idleThreadsListEveryThreadAndForgetExitedOnes() throws Exception {
    try (RusageProbe probe = RusageProbe.open()) {
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
      assertTrue(!idle.containsKey(workerTid[0]), "the exited worker is gone from /proc");
      assertEquals(1, probe.stats().slotsInUse(), "the exited worker's slot is forgotten");
      assertSame(probe.claimCurrentThread(), probe.claimCurrentThread(), "one slot per thread");
    }
  }

  @Test
  void idleFaultsOfALiveThreadExcludeItsArmedOp() throws Exception {
    try (RusageProbe probe = RusageProbe.open();
        AnonymousPages armed = AnonymousPages.map(AnonymousPages.MIB_64);
        AnonymousPages idle = AnonymousPages.map(AnonymousPages.MIB_64)) {
      Object done = new Object();
      int[] tid = new int[1];
      List<Throwable> failures = new ArrayList<>();
      Thread worker = new Thread(() -> {
        try {
          ThreadSlot s = probe.claimCurrentThread();
          tid[0] = s.tid();
          s.arm(9);
          armed.touchEveryPage();
          s.disarm();
          idle.touchEveryPage();
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
        // The worker's idle share is the second 64 MiB plus its own start-up faults, never the armed first.
        assertTrue(workerIdle >= AnonymousPages.PAGES_64_MIB - SLACK
                && workerIdle < 2 * AnonymousPages.PAGES_64_MIB - SLACK,
            "worker idle faults: " + workerIdle);
      }
      worker.join();
      assertTrue(failures.isEmpty(), failures.toString());
    }
  }

  @Test
  void pollDeliversNothing() {
    try (RusageProbe probe = RusageProbe.open()) {
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
