package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The poller's wait policy: prompt while there is work, doubling to a bound while idle. */
class IdleBackoffTest {
  private static final long MS = 1_000_000L;

  @Test
  void idleCyclesDoubleTheWaitUpToTheBoundAndStayThere() {
    IdleBackoff b = new IdleBackoff(MS, 16 * MS);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      waits.add(b.next(false) / MS);
    }
    assertEquals(List.of(2L, 4L, 8L, 16L, 16L, 16L, 16L), waits);
  }

  @Test
  void oneCycleWithWorkReturnsToTheShortestWaitAtOnce() {
    IdleBackoff b = new IdleBackoff(MS, 16 * MS);
    for (int i = 0; i < 10; i++) {
      b.next(false);
    }
    assertEquals(MS, b.next(true));
    assertEquals(MS, b.next(true), "under steady work the poller keeps its 1 ms cadence");
    assertEquals(2 * MS, b.next(false), "and backs off again from the start");
  }

  @Test
  void aBoundThatIsNotAPowerOfTwoMultipleIsStillTheCeiling() {
    IdleBackoff b = new IdleBackoff(MS, 20 * MS);
    long last = 0;
    for (int i = 0; i < 10; i++) {
      last = b.next(false);
    }
    assertEquals(20 * MS, last);
  }

  @Test
  void nonsenseBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new IdleBackoff(0, MS));
    assertThrows(IllegalArgumentException.class, () -> new IdleBackoff(2 * MS, MS));
  }

  @Test
  void aWaitsOwnBoundCapsThatWaitEvenBelowTheShortestAndTheBackoffGoesOn() {
    IdleBackoff b = new IdleBackoff(100 * MS, 1000 * MS);
    long last = 0;
    for (int i = 0; i < 10; i++) {
      last = b.next(false, Long.MAX_VALUE);
    }
    assertEquals(1000 * MS, last, "up to the constructor's bound");
    assertEquals(29 * MS, b.next(false, 29 * MS),
        "a ring that cannot wake the poller: drained on its own clock");
    assertEquals(29 * MS, b.next(true, 29 * MS), "even while cycles find work");
    assertEquals(200 * MS, b.next(false, Long.MAX_VALUE), "the backoff went on meanwhile");
  }
}
