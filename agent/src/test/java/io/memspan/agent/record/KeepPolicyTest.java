package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.SlotCounters;
import org.junit.jupiter.api.Test;

class KeepPolicyTest {

  @Test
  void eventfulAndSlowOpsAreAlwaysKept() {
    KeepPolicy never = new KeepPolicy(1000, 0.0);
    SlotCounters quiet = new SlotCounters();
    assertFalse(never.keep(Kinds.ARRAY_LIST, quiet, 999_999));
    assertTrue(never.keep(Kinds.ARRAY_LIST, quiet, 1_000_000), "slow");

    SlotCounters faulted = new SlotCounters();
    faulted.userFaults = 1;
    assertTrue(never.keep(Kinds.ARRAY_LIST, faulted, 10));
    SlotCounters kernelFault = new SlotCounters();
    kernelFault.kernelFaults = 1;
    assertTrue(never.keep(Kinds.ARRAY_LIST, kernelFault, 10));
    SlotCounters mapped = new SlotCounters();
    mapped.mmapCount = 1;
    assertTrue(never.keep(Kinds.HASH_MAP, mapped, 10));
    SlotCounters unmapped = new SlotCounters();
    unmapped.munmapCount = 1;
    assertTrue(never.keep(Kinds.HASH_MAP, unmapped, 10));
    assertTrue(never.keep(Kinds.FILE_MAP, quiet, 10), "a file mapping is memory by definition");
  }

  @Test
  void uneventfulOpsAreKeptAtTheSampleRate() {
    SlotCounters quiet = new SlotCounters();
    assertTrue(new KeepPolicy(1000, 1.0).keep(Kinds.ARRAY_LIST, quiet, 1));
    KeepPolicy tenth = new KeepPolicy(1000, 0.1);
    int kept = 0;
    int trials = 200_000;
    for (int i = 0; i < trials; i++) {
      if (tenth.keep(Kinds.ARRAY_LIST, quiet, 1)) {
        kept++;
      }
    }
    // binomial: sigma = sqrt(n p (1-p)) ~ 134; allow 6 sigma
    assertEquals(trials * 0.1, kept, 6 * Math.sqrt(trials * 0.1 * 0.9));
  }

  @Test
  void spanBudgetCapsPerSecondWithOneSecondBurst() {
    SpanBudget budget = new SpanBudget(100);
    long now = System.nanoTime();
    int granted = 0;
    for (int i = 0; i < 1000; i++) {
      if (budget.tryAcquire(now)) {
        granted++;
      }
    }
    assertEquals(100, granted);
    assertFalse(budget.tryAcquire(now + 5_000_000L));
    assertTrue(budget.tryAcquire(now + 10_000_000L), "one more every 10 ms");
    assertFalse(budget.tryAcquire(now + 10_000_000L));
    assertFalse(new SpanBudget(0).tryAcquire(now), "0 spans per second exports none");
  }

  @Test
  void aLiftedBudgetCapsNothing() {
    SpanBudget budget = new SpanBudget(2);
    long now = System.nanoTime();
    assertTrue(budget.tryAcquire(now));
    assertTrue(budget.tryAcquire(now));
    assertFalse(budget.tryAcquire(now), "2 per second: the third is over the cap");
    budget.lift(); // span export off: no span is sent, so none is over a cap
    for (int i = 0; i < 1000; i++) {
      assertTrue(budget.tryAcquire(now));
    }
    SpanBudget none = new SpanBudget(0);
    none.lift();
    assertTrue(none.tryAcquire(now), "a cap of 0 spans means nothing either when none is sent");
  }
}
