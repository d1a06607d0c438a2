package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Claiming by tid hash with collisions, exhaustion, release of ended threads, slotless threads. */
class SlotClaimTest {

  @Test
  void claimExhaustReleaseReclaim() throws Exception {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults().withSlots(8))) {
      CountDownLatch claimed = new CountDownLatch(8);
      CountDownLatch finish = new CountDownLatch(1);
      Set<Integer> tids = java.util.Collections.synchronizedSet(new HashSet<>());
      Thread[] holders = new Thread[8];
      for (int i = 0; i < holders.length; i++) {
        holders[i] = new Thread(() -> {
          ThreadSlot slot = probe.claimCurrentThread();
          assertSame(slot, probe.claimCurrentThread(), "claiming twice returns the same slot");
          tids.add(slot.tid());
          claimed.countDown();
          try {
            finish.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        holders[i].start();
      }
      claimed.await();
      assertEquals(8, tids.size(), tids.toString());
      assertFalse(tids.contains(0), "every holder got a real slot (collisions probed): " + tids);
      assertEquals(8, probe.stats().slotsInUse());

      ThreadSlot none = probe.claimCurrentThread();
      assertSame(ThreadSlot.INERT, none, "a ninth thread finds every slot taken");
      assertEquals(1, probe.stats().slotClaimFailures());

      finish.countDown();
      for (Thread t : holders) {
        t.join();
      }
      for (int tid : tids) {
        awaitExit(tid);
      }
      Set<Integer> visited = new HashSet<>();
      probe.forEachIdleThread((tid, idle) -> visited.add(tid));
      assertTrue(visited.containsAll(tids), "ended threads reported once more: " + visited);
      assertEquals(0, probe.stats().slotsInUse(), "their slots were released");

      ThreadSlot mine = probe.claimCurrentThread();
      assertNotEquals(0, mine.tid());
      assertEquals(LibC.gettid(), mine.tid());
    }
  }

  @Test
  void threadsWithoutSlotAreCountedPerTid() throws Exception {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults())) {
      int[] tid = new int[1];
      Thread gcLike = new Thread(() -> {
        tid[0] = LibC.gettid();
        TestLibC.mapTouchAndUnmap(4 << 20); // with no slot: idle counters per tid
      });
      gcLike.start();
      gcLike.join();
      awaitExit(tid[0]);

      Map<Integer, SlotCounters> seen = idleByTid(probe);
      SlotCounters c = seen.get(tid[0]);
      assertTrue(c != null, "slotless thread " + tid[0] + " reported: " + seen.keySet());
      // Thread start-up maps and advises a little of its own besides the 4 MiB.
      assertTrue(c.mmapCount >= 1 && c.mmapBytes >= 4 << 20, c.toString());
      assertTrue(c.munmapCount >= 1 && c.munmapBytes >= 4 << 20, c.toString());
      assertTrue(c.madviseCount >= 1, c.toString());
      assertTrue(c.userFaults >= 1024, c.toString());

      // It has ended: reported once with its final values, then dropped from the bounded table.
      Set<Integer> again = new HashSet<>();
      probe.forEachIdleThread((t, idle) -> again.add(t));
      assertFalse(again.contains(tid[0]), again.toString());
    }
  }

  @Test
  void aThreadCountedBeforeItsSlotIsOneThreadWithBothCounts() throws Exception {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults())) {
      int[] tid = new int[1];
      CountDownLatch done = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      Thread t = new Thread(() -> {
        tid[0] = LibC.gettid();
        TestLibC.mapTouchAndUnmap(4 << 20); // no slot yet: the per-tid table
        probe.claimCurrentThread();
        TestLibC.mapTouchAndUnmap(8 << 20); // a slot, unarmed: the slot's idle counters
        done.countDown();
        try {
          finish.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      done.await();
      try {
        Map<Integer, List<SlotCounters>> seen = new HashMap<>();
        probe.forEachIdleThread((v, idle) -> {
          SlotCounters copy = new SlotCounters();
          copy.copyFrom(idle);
          seen.computeIfAbsent(v, k -> new ArrayList<>()).add(copy);
        });
        List<SlotCounters> visits = seen.get(tid[0]);
        assertEquals(1, visits == null ? 0 : visits.size(), "one visit per thread: " + visits);
        SlotCounters c = visits.get(0);
        // 4 MiB + 8 MiB touched page by page: 3,072 faults, whichever counter took them
        assertTrue(c.userFaults >= 3 * 1024, c.toString());
        assertTrue(c.mmapBytes >= 12 << 20, c.toString());
      } finally {
        finish.countDown();
        t.join();
      }
    }
  }

  @Test
  void aSlotFreedByAnotherThreadsClaimKeepsItsThreadsLastCounts() throws Exception {
    // one slot: the test thread's claim must free it from the ended thread that held it
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults().withSlots(1))) {
      int[] tid = new int[1];
      Thread holder = new Thread(() -> {
        tid[0] = LibC.gettid();
        probe.claimCurrentThread();
        TestLibC.mapTouchAndUnmap(8 << 20); // unarmed: the slot's idle counters
      });
      holder.start();
      holder.join();
      awaitExit(tid[0]);
      assertNotEquals(0, probe.claimCurrentThread().tid(), "the ended thread's slot was freed");

      Map<Integer, SlotCounters> seen = idleByTid(probe);
      SlotCounters c = seen.get(tid[0]);
      assertTrue(c != null && c.userFaults >= 2048, "8 MiB touched by " + tid[0] + ": " + seen);
    }
  }

  /** join() returns before the native thread has exited; its slot is freed only after. */
  private static void awaitExit(int tid) throws InterruptedException {
    Path task = Path.of("/proc/self/task", Integer.toString(tid));
    for (int i = 0; i < 500 && Files.exists(task); i++) {
      Thread.sleep(10);
    }
  }

  /** One pass of forEachIdleThread, each visit's counters copied (the probe reuses its holder). */
  private static Map<Integer, SlotCounters> idleByTid(MemoryProbe probe) {
    Map<Integer, SlotCounters> seen = new HashMap<>();
    probe.forEachIdleThread((t, idle) -> {
      SlotCounters copy = new SlotCounters();
      copy.copyFrom(idle);
      seen.put(t, copy);
    });
    return seen;
  }
}
