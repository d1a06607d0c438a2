package io.memspan.bpf;

/**
 * One thread's slot. Only its own thread may arm, disarm or read it: the kernel counts into a slot
 * only while running on that thread, so the counters have a single writer at a time and need no
 * atomics. Arm and disarm are plain memory stores (release order), never syscalls, on {@code bcc}.
 */
public interface ThreadSlot {

  /** Native thread id (gettid) of the owning thread. */
  int tid();

  /** Zeroes the op counters, then publishes {@code opId} (non-zero) as armed. */
  void arm(long opId);

  /** Stops attribution to the armed op; its counters stay readable until the next arm. */
  void disarm();

  /** Copies the counters of the last armed op into {@code into}. */
  void readOp(SlotCounters into);

  /** Copies this thread's idle counters (events outside any armed op) into {@code into}. */
  void readIdle(SlotCounters into);

  /**
   * Copies the first fault addresses of the last armed op (as many as
   * {@link ProbeOptions#faultAddresses()} asked for, at most {@code into.length}) and returns
   * how many were copied.
   */
  default int readFaultAddresses(long[] into) {
    return 0;
  }

  /** A slot that records nothing: for {@code none}, or when every slot is taken. */
  ThreadSlot INERT = new ThreadSlot() {
    @Override public int tid() { return 0; }
    @Override public void arm(long opId) { }
    @Override public void disarm() { }
    @Override public void readOp(SlotCounters into) { into.clear(); }
    @Override public void readIdle(SlotCounters into) { into.clear(); }
  };
}
