package io.memspan.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The fallback when eBPF is not available (no privileges, no libbcc): per-op fault counts from
 * {@code getrusage(RUSAGE_THREAD)} around armed ops, and per-thread idle faults for the whole
 * process from {@code /proc/self/task}. No privileges needed.
 *
 * <p>What it cannot do: tell user-mode from kernel-mode faults (all are reported as
 * {@code userFaults}, including faults the kernel takes inside {@code read()}), see memory syscalls
 * ({@link #poll} delivers nothing), or avoid a syscall per arm and disarm (~350 ns each).
 */
public final class RusageProbe implements MemoryProbe {

  public static final String SOURCE = RUSAGE;

  /** Fault counts of the threads alive at open, keyed by tid: idle counts start from these. */
  private final Map<Integer, TaskFaults.TaskStat> atOpen;
  private final Map<Integer, RusageSlot> slots = new ConcurrentHashMap<>();
  private final ThreadLocal<RusageSlot> mine = new ThreadLocal<>();
  private final SlotCounters visitScratch = new SlotCounters();

  private RusageProbe(Map<Integer, TaskFaults.TaskStat> atOpen) {
    this.atOpen = atOpen;
  }

  /**
   * Opens the probe for the current process.
   *
   * @throws IllegalStateException when this is not 64-bit Linux or {@code /proc} is unreadable
   */
  static RusageProbe open() {
    if (!ThreadRusage.supported()) {
      throw new IllegalStateException(
          "getrusage(RUSAGE_THREAD) fallback needs 64-bit Linux; this is "
              + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }
    Map<Integer, TaskFaults.TaskStat> atOpen = new HashMap<>();
    try {
      for (TaskFaults.TaskStat t : TaskFaults.allThreads()) {
        atOpen.put(t.tid(), t);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/task: " + e.getMessage(), e);
    }
    return new RusageProbe(atOpen);
  }

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public ThreadSlot claimCurrentThread() {
    RusageSlot slot = mine.get();
    if (slot != null) {
      return slot;
    }
    TaskFaults.TaskStat self;
    try {
      self = TaskFaults.currentThread();
    } catch (IOException | RuntimeException e) {
      return ThreadSlot.INERT;
    }
    slot = new RusageSlot(self.tid(), self.startTime(), baseline(self));
    mine.set(slot);
    slots.put(self.tid(), slot); // replaces a dead thread's slot whose tid was reused
    return slot;
  }

  /** rusage sees no syscalls: nothing to deliver. */
  @Override
  public int poll(Consumer<SyscallRecord> sink) {
    return 0;
  }

  @Override
  public ProbeStats stats() {
    return new ProbeStats(0, 0, 0, slots.size(), 0);
  }

  /**
   * Every live thread's faults outside armed ops since the probe opened (or the thread started),
   * all in {@code userFaults}. Forgets the slots of threads that have exited.
   */
  @Override
  public synchronized void forEachIdleThread(IdleThreadVisitor visitor) {
    long listedAt = System.nanoTime();
    List<TaskFaults.TaskStat> threads;
    try {
      threads = TaskFaults.allThreads();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<Integer> live = new HashSet<>();
    for (TaskFaults.TaskStat t : threads) {
      live.add(t.tid());
      RusageSlot slot = slots.get(t.tid());
      visitScratch.clear();
      visitScratch.userFaults = slot != null && slot.startTime() == t.startTime()
          ? slot.idleFaults(t.faults())
          : t.faults() - baseline(t);
      visitor.visit(t.tid(), visitScratch);
    }
    // A thread that claimed after the listing is alive though not listed: keep its slot.
    slots.values().removeIf(s -> !live.contains(s.tid()) && s.claimedAtNanos() - listedAt < 0);
  }

  private long baseline(TaskFaults.TaskStat t) {
    TaskFaults.TaskStat then = atOpen.get(t.tid());
    return then != null && then.startTime() == t.startTime() ? then.faults() : 0;
  }

  @Override
  public void close() {
    slots.clear();
  }
}
