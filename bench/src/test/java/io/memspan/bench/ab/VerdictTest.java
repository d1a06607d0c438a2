package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memspan.bench.ab.PairedStats.Interval;
import org.junit.jupiter.api.Test;

class VerdictTest {
  private static final double GOAL = 0.01;

  @Test
  void withinOnlyWhenTheWholeIntervalIsInsideTheGoal() {
    assertEquals("within 1 %", Verdict.of(new Interval(0.995, 1.008), 10, GOAL));
    assertEquals("within 1 %", Verdict.of(new Interval(0.99, 1.01), 10, GOAL)); // bounds included
  }

  @Test
  void costsMoreWhenTheWholeIntervalIsAboveTheGoal() {
    assertEquals("costs more than 1 %", Verdict.of(new Interval(1.012, 1.30), 10, GOAL));
  }

  @Test
  void anIntervalTouchingOrStraddlingABoundResolvesNothing() {
    // The median may be well above 1 %, but the interval reaches below it: no claim.
    assertEquals("not resolved at this noise (CI ±6.0 %)",
        Verdict.of(new Interval(1.00, 1.12), 10, GOAL));
    assertEquals("not resolved at this noise (CI ±1.5 %)",
        Verdict.of(new Interval(0.985, 1.015), 10, GOAL));
    assertEquals("not resolved at this noise (CI ±0.5 %)",
        Verdict.of(new Interval(1.005, 1.015), 10, GOAL));
  }

  @Test
  void anIntervalWhollyBelowMinusOnePercentIsReportedAsFaster() {
    assertEquals("faster by more than 1 %", Verdict.of(new Interval(0.90, 0.985), 10, GOAL));
  }

  @Test
  void tooFewRoundsResolveNothingHoweverNarrow() {
    assertEquals("not resolved: 4 rounds (a verdict needs 5)",
        Verdict.of(new Interval(1.0, 1.0), 4, GOAL));
    assertEquals("within 1 %", Verdict.of(new Interval(1.0, 1.0), 5, GOAL));
  }
}
