package io.memspan.bpf;

import java.util.function.Consumer;

/**
 * The kernel side of one process, as the agent sees it: per-thread slots that attribute page faults
 * and memory syscalls to the operation armed on that thread, a stream of syscall records, and
 * counters for threads that never armed anything (GC, JIT, ...).
 *
 * <p>Implementations: {@code bcc} (the eBPF program through libbcc), {@code rusage}
 * ({@code getrusage(RUSAGE_THREAD)} around armed ops: fault counts only), {@code none}.
 * Thread-safe; {@link #close()} is idempotent.
 */
public interface MemoryProbe extends AutoCloseable {

  /** The values of {@link #source}. */
  String BCC = "bcc";
  String RUSAGE = "rusage";
  String NONE = "none";

  /** {@code bcc}, {@code rusage} or {@code none}: what spans report as {@code memspan.kernel.source}. */
  String source();

  /**
   * The calling thread's slot, claimed on first call and cached per thread by the caller. Returns
   * the inert {@link ThreadSlot#INERT} when no slot is free (counted in {@link #stats()}).
   */
  ThreadSlot claimCurrentThread();

  /** Drains the syscall records produced since the last poll; returns how many were delivered. */
  int poll(Consumer<SyscallRecord> sink);

  /**
   * Blocks until the kernel asks for the syscall records to be drained (its ring is filling up),
   * then returns true; returns false, at once or later, when this source never asks: it has no
   * ring, it was closed, or its wake-up failed. One thread at a time.
   */
  default boolean awaitDrainRequest() {
    return false;
  }

  /**
   * How long the syscall records may be left undrained without any being lost at the rate the
   * ring is sized for: unbounded when there is no ring, or when the ring asks to be drained and a
   * thread is waiting in {@link #awaitDrainRequest} (bounded again before the first wait and once
   * waiting fails).
   */
  default long maxDrainIntervalNanos() {
    return Long.MAX_VALUE;
  }

  /** Events seen, delivered, lost (ring reserve failures), slots in use and exhausted. */
  ProbeStats stats();

  /**
   * Fault and mmap counters per thread that was not inside an armed op when the event happened,
   * including threads that never claimed a slot. The visitor receives cumulative values.
   */
  void forEachIdleThread(IdleThreadVisitor visitor);

  @Override
  void close();

  /** Receives one thread's cumulative idle counters. */
  @FunctionalInterface
  interface IdleThreadVisitor {
    void visit(int tid, SlotCounters idle);
  }
}
