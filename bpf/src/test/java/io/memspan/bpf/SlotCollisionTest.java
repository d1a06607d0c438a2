package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two threads whose tids hash to the same slot ({@code tid & mask}): the second claims the next
 * slot, and the kernel's find_slot must probe past the first to count into it. Armed at once with
 * different ops and different amounts of memory, each op's counts are exact.
 */
class SlotCollisionTest {
  private static final int SLOTS = 8;

  @RegisterExtension
  static final BccProbeExtension bcc =
      new BccProbeExtension(ProbeOptions.defaults().withSlots(SLOTS));

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
    ArmedOp.Worker a = new ArmedOp.Worker(bcc.probe(), 3001, 64L << 20, barrier);
    ArmedOp.Worker b = new ArmedOp.Worker(bcc.probe(), 3002, 16L << 20, barrier);
    b.after = a.claimed; // b claims only once a holds the home slot
    for (Candidate c : started) {
      c.work.complete(c == first ? a : c == second ? b : null);
    }
    for (Candidate c : started) {
      c.join();
    }

    List<SyscallRecord> records = bcc.drain();
    a.assertOnlyItsOwnMapping(records);
    b.assertOnlyItsOwnMapping(records);
    assertEquals(home, a.index, "the first claims its home slot");
    assertEquals((home + 1) & (SLOTS - 1), b.index, "the second probes to the next slot");
  }
}
