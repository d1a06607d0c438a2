package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ring asks to be drained once a quarter of it is unread, and only then: a reader may sleep
 * long between drains without losing a record, and records that merely sit there wake no one.
 */
class RingWakeupTest {
  private static final int RING_BYTES = 64 * 1024;
  /** A quarter of the ring in 96-byte records (88 + the 8-byte header): 170. */
  private static final int WAKE_RECORDS = RING_BYTES / 4 / 96;
  /** Long enough for a wake-up in flight to arrive: they come in microseconds. */
  private static final long QUIET_MILLIS = 300;

  @Test
  void aQuarterOfTheRingUnreadWakesTheWaiterAndFewerRecordsDoNot() throws Exception {
    MemoryProbe probe = Probes.load(ProbeOptions.defaults().withRingBytes(RING_BYTES));
    AtomicInteger wakeUps = new AtomicInteger();
    Thread waiter = new Thread(() -> {
      while (probe.awaitDrainRequest()) {
        wakeUps.incrementAndGet();
      }
    }, "ring-waiter");
    try {
      // the ring's 682 records at 1.5 million a second, until someone waits for wake-ups
      assertEquals(454_666, probe.maxDrainIntervalNanos(), "no waiter yet: drain on a clock");
      // The first mmap/munmap through JNA links its call path (and may commit metaspace).
      mapAndUnmapPages(5);
      waiter.start();
      Probes.drain(probe);
      Thread.sleep(QUIET_MILLIS); // the ring may have woken the waiter once as it was added
      assertEquals(Long.MAX_VALUE, probe.maxDrainIntervalNanos(),
          "a ring whose waiter sleeps need not be drained on a clock: "
              + ((BccProbe) probe).wakeupFailure());
      int before = wakeUps.get();

      mapAndUnmapPages(20); // 40 records, far below a quarter
      Thread.sleep(QUIET_MILLIS);
      assertEquals(before, wakeUps.get(), "40 unread records (a quarter is " + WAKE_RECORDS
          + ") woke the waiter");

      mapAndUnmapPages(WAKE_RECORDS); // twice as many records as a quarter
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (wakeUps.get() == before && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(wakeUps.get() > before, "no wake-up with a quarter of the ring unread");

      // Draining publishes what was taken: the count of unread records starts again from zero.
      Probes.drain(probe);
      Thread.sleep(QUIET_MILLIS);
      int drained = wakeUps.get();
      mapAndUnmapPages(20);
      Thread.sleep(QUIET_MILLIS);
      assertEquals(drained, wakeUps.get(), "40 records after a drain woke the waiter");

      ProbeStats stats = probe.stats();
      assertEquals(0, stats.recordsLost(), stats.toString());
    } finally {
      probe.close();
    }
    waiter.join(5000);
    assertFalse(waiter.isAlive(), "close must end the wait");
    assertTrue(probe.maxDrainIntervalNanos() < Long.MAX_VALUE, "no one waits any more");
    assertFalse(probe.awaitDrainRequest(), "a closed probe never asks");
  }

  private static void mapAndUnmapPages(int n) {
    for (int i = 0; i < n; i++) {
      Pointer p = TestLibC.mapAnonymous(4096);
      TestLibC.INSTANCE.munmap(p, 4096);
    }
  }
}
