package io.memspan.bpf;

import com.sun.jna.Memory;

/**
 * A thread's slot in the {@code rusage} probe: arm and disarm each read the thread's fault counter
 * with {@code getrusage(RUSAGE_THREAD)}, and the op's faults are the difference. Only the owning
 * thread may arm, disarm or read it (getrusage only sees the calling thread).
 *
 * <p>The kernel's counter does not say whether a fault was taken in user or kernel mode, so every
 * fault lands in {@link SlotCounters#userFaults}; {@code kernelFaults} and the syscall counters
 * stay 0.
 */
final class RusageSlot implements ThreadSlot {

  private final int tid;
  private final long startTime;
  /** Faults this thread had when the probe began watching it; idle counts start here. */
  private final long baseline;
  private final long claimedAtNanos = System.nanoTime();
  private final Memory usage = new Memory(ThreadRusage.SIZE);

  /** Fault counter at arm; published to other threads by the volatile write of {@link #armedOp}. */
  private long armBase;
  private volatile long armedOp;
  private long lastOpFaults;
  /** Sum of faults inside every op this thread finished: read by {@code forEachIdleThread}. */
  private volatile long armedTotal;

  RusageSlot(int tid, long startTime, long baseline) {
    this.tid = tid;
    this.startTime = startTime;
    this.baseline = baseline;
  }

  @Override
  public int tid() {
    return tid;
  }

  long startTime() {
    return startTime;
  }

  long claimedAtNanos() {
    return claimedAtNanos;
  }

  @Override
  public void arm(long opId) {
    if (armedOp != 0) {
      disarm();
    }
    if (opId == 0) {
      return;
    }
    lastOpFaults = 0;
    armBase = ThreadRusage.faults(usage);
    armedOp = opId;
  }

  @Override
  public void disarm() {
    if (armedOp == 0) {
      return;
    }
    long faults = ThreadRusage.faults(usage) - armBase;
    lastOpFaults = faults;
    armedTotal += faults; // single writer: the owning thread
    armedOp = 0;
  }

  @Override
  public void readOp(SlotCounters into) {
    into.clear();
    into.userFaults = armedOp != 0 ? ThreadRusage.faults(usage) - armBase : lastOpFaults;
  }

  @Override
  public void readIdle(SlotCounters into) {
    into.clear();
    into.userFaults = idleFaults(ThreadRusage.faults(usage));
  }

  /** Faults outside armed ops, given the thread's current total (from getrusage or /proc). */
  long idleFaults(long total) {
    long op = armedOp; // volatile read first: makes armBase and armedTotal visible
    long inside = armedTotal + (op != 0 ? total - armBase : 0);
    return total - baseline - inside;
  }
}
