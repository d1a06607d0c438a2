package io.memspan.bpf;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The eBPF probe: memspan.bpf.c loaded through libbcc, its slots and stats mapped into this
 * process, its ring buffer read directly. Create it with {@link MemoryProbes#bcc}.
 */
public final class BccProbe implements MemoryProbe {
  /**
   * The syscall rate a ring must absorb between two drains when nothing wakes its reader: 1.5
   * million records a second (so the default 4 MiB ring must be drained every ~29 ms).
   */
  private static final long UNWOKEN_RECORDS_PER_SECOND = 1_500_000L;

  private final ProbeOptions options;
  private final BccProgram program;
  private final SlotTable slots;
  private final KernelStats kernelStats;
  private final RingBufferReader ring;
  private final IdleThreadTable idle;
  /** Null when the ring cannot wake its reader (then it must be polled often, see below). */
  private final RingWakeup wakeup;
  private final String wakeupFailure;
  private final AtomicLong claimFailures = new AtomicLong();
  private final SlotCounters scratch = new SlotCounters();
  private boolean closed;
  private ProbeStats statsAtClose;

  BccProbe(ProbeOptions options, BccProgram program) {
    this.options = options;
    this.program = program;
    SlotTable s = null;
    KernelStats k = null;
    RingBufferReader r = null;
    try {
      s = new SlotTable(program.slotsFd, options.slots());
      k = new KernelStats(program.statsFd);
      r = new RingBufferReader(program.ringFd, options.ringBytes());
    } catch (RuntimeException e) {
      if (r != null) {
        r.close();
      }
      if (k != null) {
        k.close();
      }
      if (s != null) {
        s.close();
      }
      program.close();
      throw e;
    }
    this.slots = s;
    this.kernelStats = k;
    this.ring = r;
    this.idle = new IdleThreadTable(program.idleFd, options.targetPid());
    RingWakeup w = null;
    String why = null;
    try {
      w = new RingWakeup(program.ringFd);
    } catch (RuntimeException e) {
      why = String.valueOf(e.getMessage());
    }
    this.wakeup = w;
    this.wakeupFailure = why;
  }

  @Override
  public String source() {
    return BCC;
  }

  public ProbeOptions options() {
    return options;
  }

  /** Compile and load+attach wall times of this probe's program, in nanoseconds. */
  public long compileNanos() {
    return program.compileNanos;
  }

  public long loadNanos() {
    return program.loadNanos;
  }

  /** Whether this probe's program was compiled or loaded from the compile cache, and why. */
  public LoadReport loadReport() {
    return program.report;
  }

  @Override
  public ThreadSlot claimCurrentThread() {
    int tid = LibC.gettid();
    BccSlot slot = slots.claim(tid, Thread.currentThread());
    if (slot == null && slots.releaseDead() > 0) {
      slot = slots.claim(tid, Thread.currentThread());
    }
    if (slot == null) {
      claimFailures.incrementAndGet();
      return ThreadSlot.INERT;
    }
    return slot;
  }

  @Override
  public synchronized int poll(Consumer<SyscallRecord> sink) {
    if (closed) {
      return 0;
    }
    try {
      return ring.poll(sink);
    } finally {
      kernelStats.publishTaken(ring.taken());
    }
  }

  @Override
  public boolean awaitDrainRequest() {
    return wakeup != null && wakeup.await();
  }

  @Override
  public long maxDrainIntervalNanos() {
    if (wakeup != null && wakeup.watched()) {
      return Long.MAX_VALUE;
    }
    long records = options.ringBytes() / (EventLayout.SIZE + RingBufferReader.HEADER_SIZE);
    return records * 1_000_000_000L / UNWOKEN_RECORDS_PER_SECOND;
  }

  /** Null when the ring can wake its reader; else why it cannot (epoll or eventfd failed). */
  public String wakeupFailure() {
    return wakeup == null ? wakeupFailure : wakeup.failure();
  }

  @Override
  public synchronized ProbeStats stats() {
    return closed ? statsAtClose : statsNow();
  }

  /**
   * LOST is read before GENERATED: the kernel counts a record as generated before it can be lost,
   * so in this order generated always covers lost and pending never goes negative.
   */
  private ProbeStats statsNow() {
    long lost = kernelStats.get(KernelStats.LOST) + ring.unreadable();
    long idleUncounted = kernelStats.get(KernelStats.IDLE_UNCOUNTED);
    long generated = kernelStats.get(KernelStats.GENERATED);
    return new ProbeStats(generated, ring.delivered(), lost, slots.inUse(), claimFailures.get(),
        idleUncounted);
  }

  /**
   * Visits every thread once, with the sum of its idle counters: the slot it holds, the slots freed
   * since the last visit (their final values, read before they were zeroed), and its entry in the
   * per-tid table from before it claimed a slot. Visited separately, a later part would replace an
   * earlier one (every fault a thread took outside ops after its first op went missing from the
   * whole-process metrics that way). Dead threads' slots are freed first, so a thread's last
   * visit holds its slot's and its table entry's final values together.
   */
  @Override
  public synchronized void forEachIdleThread(IdleThreadVisitor visitor) {
    if (closed) {
      return;
    }
    slots.releaseDead();
    Map<Integer, SlotCounters> byTid = new HashMap<>();
    slots.forEachClaimed(slot -> {
      SlotCounters c = new SlotCounters();
      slot.readIdle(c);
      byTid.merge(slot.tid(), c, SlotCounters::add);
    });
    slots.takeRetired((tid, c) -> byTid.merge(tid, c, SlotCounters::add));
    idle.forEach((tid, c) -> {
      SlotCounters copy = new SlotCounters();
      copy.copyFrom(c);
      byTid.merge(tid, copy, SlotCounters::add);
    }, scratch);
    byTid.forEach(visitor::visit);
  }

  /** Detaches every tracepoint, unmaps the ring and stats, retires the slots, closes every fd. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    program.closeAttachments();
    // Counters as they stood when the tracepoints went: the stats map is unmapped below.
    ProbeStats last = statsNow();
    statsAtClose = new ProbeStats(last.recordsGenerated(), last.recordsDelivered(),
        last.recordsLost(), 0, last.slotClaimFailures(), last.idleEventsUncounted());
    closed = true;
    if (wakeup != null) {
      wakeup.close();
    }
    ring.close();
    kernelStats.close();
    slots.close();
    program.close();
  }
}
