package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.testing.InertProbe;
import io.memspan.bpf.SyscallRecord;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle poller sleeps up to a second between cycles, yet drains a kernel ring as soon as the
 * ring asks; a ring that cannot ask keeps the poller on its own short clock.
 */
class PollerWakeupTest {
  private static final long MS = 1_000_000L;

  private final Recorder recorder = new Recorder(new ThreadGroup("memspan-test"), 1_000_000,
      1.0, 1_000_000, 64);
  private final Poller poller = new Poller(recorder, new AgentMetrics(), new Advisor(16, 64),
      null, Long.MAX_VALUE);
  private Thread pollerThread;
  private Ring ring;

  private void startPoller(Ring r) {
    ring = r;
    recorder.useProbe(ring);
    pollerThread = new Thread(poller, "memspan-poller-test");
    pollerThread.setDaemon(true);
    pollerThread.start();
    poller.watchDrainRequests(ring);
  }

  @AfterEach
  void stop() {
    poller.stopAndFlush(5000);
    ring.close(); // ends the watcher
  }

  @Test
  void anIdlePollerSleepsLongButDrainsAsSoonAsTheRingAsks() throws Exception {
    startPoller(new Ring(Long.MAX_VALUE));
    Thread.sleep(1500); // cycles a second apart
    int before = ring.polls.get();
    Thread.sleep(1000);
    int quiet = ring.polls.get() - before;
    assertTrue(quiet <= 2, "an idle poller cycled " + quiet + " times in a second");

    // Ask right after a cycle, when the poller's own clock is ~1 s away.
    int seen = ring.polls.get();
    while (ring.polls.get() == seen) {
      Thread.sleep(1);
    }
    int afterCycle = ring.polls.get();
    long asked = System.nanoTime();
    ring.requests.release();
    while (ring.polls.get() == afterCycle && System.nanoTime() - asked < 900 * MS) {
      Thread.sleep(1);
    }
    long waited = (System.nanoTime() - asked) / MS;
    assertTrue(ring.polls.get() > afterCycle && waited < 500,
        "the ring asked, and the poller drained it only after " + waited + " ms");
  }

  @Test
  void aPollerThatFindsWorkEveryCycleStillWaitsASecond() throws Exception {
    Ring busy = new Ring(Long.MAX_VALUE);
    busy.recordsPerPoll = 5; // syscall records of no op, as a GC thread's: counted, nothing kept
    startPoller(busy);
    Thread.sleep(1500);
    int before = ring.polls.get();
    Thread.sleep(2000);
    int cycles = ring.polls.get() - before;
    assertTrue(cycles >= 1 && cycles <= 3, "a busy poller that no ring asked cycled " + cycles
        + " times in two seconds");
  }

  @Test
  void aRingThatCannotAskIsDrainedOnItsOwnBound() throws Exception {
    startPoller(new Ring(20 * MS));
    Thread.sleep(500);
    int before = ring.polls.get();
    Thread.sleep(1000);
    int cycles = ring.polls.get() - before;
    assertTrue(cycles >= 25, "a ring needing a drain every 20 ms was drained " + cycles
        + " times in a second");
  }

  /** A kernel source with a ring: counts drains, asks for one per permit released. */
  private static final class Ring extends InertProbe {
    final AtomicInteger polls = new AtomicInteger();
    final Semaphore requests = new Semaphore(0);
    private final long maxDrainIntervalNanos;
    private volatile boolean closed;
    volatile int recordsPerPoll;

    Ring(long maxDrainIntervalNanos) {
      super("bcc");
      this.maxDrainIntervalNanos = maxDrainIntervalNanos;
    }

    @Override
    public int poll(Consumer<SyscallRecord> sink) {
      polls.incrementAndGet();
      for (int i = 0; i < recordsPerPoll; i++) {
        sink.accept(new SyscallRecord(SyscallRecord.Syscall.MMAP, 1, 0L, 1L,
            new long[] {0, 4096, 3, 0x22, -1, 0}, 0x7f0000000000L, 0L));
      }
      return recordsPerPoll;
    }

    @Override
    public boolean awaitDrainRequest() {
      try {
        while (!closed) {
          if (requests.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            return !closed;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }

    @Override
    public long maxDrainIntervalNanos() {
      return maxDrainIntervalNanos;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
