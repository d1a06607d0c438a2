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

  /** {@code bcc}, {@code rusage} or {@code none}: what spans report as {@code memspan.kernel.source}. */
  String source();

  /**
   * The calling thread's slot, claimed on first call and cached per thread by the caller. Returns
   * the inert {@link ThreadSlot#INERT} when no slot is free (counted in {@link #stats()}).
   */
  ThreadSlot claimCurrentThread();

  /** Drains the syscall records produced since the last poll; returns how many were delivered. */
  int poll(Consumer<SyscallRecord> sink);

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
