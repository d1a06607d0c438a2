package io.memspan.agent.record;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.account.IdleAccounting;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.export.Telemetry;
import io.memspan.agent.op.Op;
import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.ProbeStats;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.SyscallRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The agent's one background worker on the data path. Each cycle drains the threads' op rings
 * (metrics and advice for every op, kept ops held for export), then drains the kernel's syscall
 * records and joins them to their op by op id, then emits the kept ops held for at least one full
 * cycle. A cycle runs once a second ({@link #CYCLE_NANOS}), and at once when a thread's op ring
 * fills to half or a kernel ring to a quarter.
 *
 * <p>Why one cycle is enough: the kernel writes a syscall's record before the syscall returns, and
 * the op's record is published after that, so by the time the poller sees an op, every record of
 * it is already in the ring. Records of ops still running (or whose op record was dropped) wait
 * in a bounded orphan table and are claimed when the op arrives; what ages out or overflows is
 * counted, never silently lost.
 */
public final class Poller implements Runnable {
  /**
   * The wait between cycles, busy or idle. Nothing has to be drained sooner: a thread's op ring
   * half full unparks the poller, and so does the kernel's ring a quarter full (through
   * {@link #watchDrainRequests}); what a shorter wait would buy is only latency before export,
   * and spans wait longer than this in the SDK's batch processor (5 s by default). What a cycle
   * costs is mostly per cycle, not per op: a wake-up on these VMs is ~50 us of CPU, and on JDK 25
   * a busy cycle under Jackson costs 300-500 us, a fifth of it in G1's nmethod entry barriers
   * (armed at every collection, taken once per compiled method the cycle calls). Under Jackson on
   * JDK 25 the agent's threads cost 8.0 ms/s at 100 ms after a busy cycle, 5.7 at 250 ms and 3.5
   * at 1 s (bench/RESULTS.md, session 7); at the first design's 1 ms, 0.7-0.9 % of the process.
   */
  static final long CYCLE_NANOS = 1_000_000_000L;
  private static final int MAX_PENDING = 8192;
  private static final int MAX_ORPHAN_RECORDS = 16384;
  // in time, not cycles: a cycle lasts up to 1 s, less when a ring asks
  private static final long ORPHAN_MAX_AGE_NANOS = 5_000_000_000L;
  private static final long ORPHAN_CHECK_NANOS = 100_000_000L;
  /**
   * Reading the idle threads' counters costs ~0.5 ms (a bpf() syscall per thread): it is done
   * before each metric export ({@link #accountIdleBeforeExport}) and otherwise this rarely, which is what
   * frees ended threads' slots and idle-table entries (4096 of them) for new threads.
   */
  private static final long IDLE_ACCOUNTING_NANOS = 5_000_000_000L;
  /** A reading this fresh serves a metric collection as it is. */
  private static final long EXPORT_READING_MAX_AGE_NANOS = 500_000_000L;

  private final Recorder recorder;
  private final AgentMetrics metrics;
  private final Advisor advisor;
  private final IdleAccounting idle;
  private final long adviceIntervalNanos;
  private final long epochOffsetNanos;
  private ByteEstimates bytes;

  private volatile Telemetry telemetry;
  /** False once span export is known to be off: kept ops are counted, never held as spans. */
  private volatile boolean spanExport = true;
  private volatile boolean running = true;
  private volatile Thread thread;

  private long cycle;
  private long lastAdviceNanos = System.nanoTime();
  private long lastIdleAccountingNanos = lastAdviceNanos;
  private long lastOrphanCheckNanos = lastAdviceNanos;
  private long lastReportedLost;
  /** Records lost by kernel sources closed before the current one (memspan detach). */
  private long lostByClosedSources;
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  private final Map<Long, Orphans> orphans = new HashMap<>();
  private int orphanRecords;
  private final Consumer<SyscallRecord> join = this::onSyscall;
  private final RingDrops.Sink dropped = this::onDropped;
  private final Map<String, String> spanNames = new HashMap<>();

  public Poller(Recorder recorder, AgentMetrics metrics, Advisor advisor, IdleAccounting idle,
      long adviceIntervalNanos) {
    this.recorder = recorder;
    this.metrics = metrics;
    this.advisor = advisor;
    this.idle = idle;
    this.adviceIntervalNanos = adviceIntervalNanos;
    long wall = java.time.Instant.now().getEpochSecond() * 1_000_000_000L
        + java.time.Instant.now().getNano();
    this.epochOffsetNanos = wall - System.nanoTime();
  }

  public void useTelemetry(Telemetry t) {
    if (!t.exportsSpans()) {
      withoutSpanExport();
    }
    telemetry = t;
  }

  /**
   * No span will be sent ({@code otel.traces.exporter=none}, or no exporter): kept ops are still
   * counted in the metrics and fed to the advisor, but no span is built or queued for them, and
   * none is counted as refused or over the span cap. Ops already held for export are let go.
   */
  public void withoutSpanExport() {
    recorder.withoutSpanCap();
    spanExport = false;
  }

  public boolean exportsSpans() {
    return spanExport;
  }

  @Override
  public void run() {
    Thread self = Thread.currentThread();
    thread = self;
    recorder.onBacklog(() -> LockSupport.unpark(self));
    while (running) {
      try {
        cycle();
      } catch (Throwable e) {
        // a bad record must not stop accounting for the rest of the run
      }
      LockSupport.parkNanos(waitNanos(recorder.probe()));
    }
  }

  /**
   * Wakes the poller whenever {@code probe} asks for its syscall records to be drained, from a
   * thread of its own that sleeps in the kernel in between and ends when the probe closes. Only a
   * source with a ring ({@code bcc}) ever asks.
   */
  public void watchDrainRequests(MemoryProbe probe) {
    if (!probe.source().equals(MemoryProbe.BCC)) {
      return;
    }
    Thread watcher = new Thread(() -> {
      while (probe.awaitDrainRequest()) {
        Thread t = thread;
        if (t != null) {
          LockSupport.unpark(t);
        }
      }
    }, "memspan-ring-wake");
    watcher.setDaemon(true);
    try {
      watcher.start();
    } catch (Throwable e) {
      // no thread to spare: the probe, never waited on, keeps its short drain bound
    }
  }

  /**
   * The wait before the next cycle: {@link #CYCLE_NANOS}, or less for a kernel ring that cannot
   * wake the poller and must be drained on its own clock before it fills.
   */
  static long waitNanos(MemoryProbe probe) {
    return probe == null ? CYCLE_NANOS
        : Math.min(CYCLE_NANOS, Math.max(1, probe.maxDrainIntervalNanos()));
  }

  /** Stops the loop, then drains everything that is left and emits it; call from one thread. */
  public void stopAndFlush(long timeoutMillis) {
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t); // not to wait out an idle sleep
      try {
        t.join(timeoutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (bytes == null) {
      bytes = new ByteEstimates(4);
    }
    cycle();
    synchronized (this) {
      cycle++;
      emitReady(true);
    }
    accountIdleNow();
  }

  public Advisor advisor() {
    return advisor;
  }

  /** One cycle; true if it found ops or kernel records. */
  synchronized boolean cycle() {
    cycle++;
    if (bytes == null) {
      bytes = new ByteEstimates(ByteEstimates.detectReferenceWidth());
    }
    long now = System.nanoTime();
    int found = drainOpRings();
    MemoryProbe probe = recorder.probe();
    if (probe != null) {
      found += probe.poll(join);
      ProbeStats s = probe.stats();
      long lost = lostByClosedSources + s.recordsLost();
      if (lost != lastReportedLost) {
        lastReportedLost = lost;
        metrics.kernelRecordsLost.set(lost);
      }
    }
    emitReady(false);
    if (now - lastOrphanCheckNanos >= ORPHAN_CHECK_NANOS) {
      lastOrphanCheckNanos = now;
      ageOrphans(now);
    }
    if (now - lastIdleAccountingNanos >= IDLE_ACCOUNTING_NANOS) {
      lastIdleAccountingNanos = now;
      accountIdle();
    }
    Telemetry t = telemetry;
    if (t != null && spanExport && now - lastAdviceNanos >= adviceIntervalNanos) {
      lastAdviceNanos = now;
      var advice = advisor.advice();
      if (!advice.isEmpty()) {
        t.emitAdvice(advice);
      }
    }
    return found > 0;
  }

  private int drainOpRings() {
    int found = 0;
    for (Iterator<ThreadState> it = recorder.threads().iterator(); it.hasNext(); ) {
      ThreadState s = it.next();
      OpRing ring = s.ring;
      boolean alive = s.thread.isAlive();
      for (OpRecord r = ring.peek(); r != null; r = ring.peek()) {
        onOp(r);
        ring.release();
        found++;
      }
      ring.drops.report(dropped);
      if (!alive && ring.isEmpty()) {
        it.remove(); // a dead thread adds nothing more: its last drops were reported above
      }
    }
    return found;
  }

  /** Ops a full ring could not take: counted by type (not kept), with their bytes and faults. */
  private void onDropped(String type, int kind, long ops, long copiedUnits, long faults,
      long mmapBytes) {
    metrics.onOps(Kinds.simpleName(type), false, ops, copiedUnits * bytes.unitBytes(kind));
    metrics.addOpFaults(faults, mmapBytes);
    metrics.opsDroppedQueueFull.addAndGet(ops);
  }

  private void onOp(OpRecord r) {
    long copied = bytes.copied(r.kind, r.capacityBefore, r.oldBytes);
    String simpleType = Kinds.simpleName(r.structureType);
    // capped before it was known that no span would be sent: nothing was capped after all
    boolean kept = r.kept || (r.capped && !spanExport);
    metrics.onOp(simpleType, kept, copied);
    metrics.addOpFaults(r.counters.faults(), r.counters.mmapBytes);
    if (r.capped && spanExport) {
      metrics.opsDroppedSpanCap.incrementAndGet();
    }
    advisor.onOp(r.kind, r.structureType, r.structureId, r.callSite, r.capacityBefore,
        r.capacityAfter, r.size, copied, r.counters.faults());
    Orphans early = orphans.remove(r.opId);
    if (early != null) {
      orphanRecords -= early.records.size();
    }
    if (!r.kept || !spanExport) {
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      // the exporter is not keeping up (or not there yet): the oldest op gives way, counted
      Iterator<Pending> oldest = pending.values().iterator();
      oldest.next();
      oldest.remove();
      metrics.spansRejectedByExporter.incrementAndGet();
    }
    Pending p = new Pending(cycle, r, spanName(r), copied,
        bytes.allocated(r.kind, r.capacityAfter, r.newBytes));
    if (early != null) {
      p.events.addAll(early.records);
    }
    pending.put(r.opId, p);
  }

  private void onSyscall(SyscallRecord rec) {
    if (rec.opId() == 0L) {
      return; // outside any op: the idle counters account for it
    }
    if (!spanExport) {
      return; // a record only becomes a span event; the op's slot counters have counted it
    }
    Pending p = pending.get(rec.opId());
    if (p != null) {
      p.events.add(rec);
      return;
    }
    if (orphanRecords >= MAX_ORPHAN_RECORDS) {
      metrics.kernelRecordsUnjoined.incrementAndGet();
      return;
    }
    orphans.computeIfAbsent(rec.opId(), k -> new Orphans(System.nanoTime())).records.add(rec);
    orphanRecords++;
  }

  private void emitReady(boolean all) {
    if (!spanExport) {
      pending.clear(); // held before it was known that no span would be sent: counted as kept
      return;
    }
    Telemetry t = telemetry;
    if (t == null && !all) {
      return; // held (bounded) until the exporter is up
    }
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (!all && p.cycle >= cycle) {
        break; // insertion order is arrival order
      }
      it.remove();
      if (t == null || !t.emit(p.toOp(epochOffsetNanos))) {
        metrics.spansRejectedByExporter.incrementAndGet();
      } else {
        metrics.spansEmitted.incrementAndGet();
      }
    }
  }

  private void ageOrphans(long now) {
    if (orphans.isEmpty()) {
      return;
    }
    for (Iterator<Orphans> it = orphans.values().iterator(); it.hasNext(); ) {
      Orphans o = it.next();
      if (now - o.arrivedNanos > ORPHAN_MAX_AGE_NANOS) {
        metrics.kernelRecordsUnjoined.addAndGet(o.records.size());
        orphanRecords -= o.records.size();
        it.remove();
      }
    }
  }

  /**
   * A kernel source is about to be closed (memspan detach), already replaced in the recorder: its
   * last syscall records are joined, its idle threads' counts taken, and what it counted kept as
   * the base of its successor's, so no exported counter goes back. Called with no cycle running.
   */
  public synchronized void retireProbe(MemoryProbe old) {
    old.poll(join);
    if (idle != null) {
      idle.update(old, metrics);
      idle.rebase();
    }
    lostByClosedSources += old.stats().recordsLost();
  }

  /** Reads the idle threads' counters now, between two cycles. */
  public synchronized void accountIdleNow() {
    lastIdleAccountingNanos = System.nanoTime();
    accountIdle();
  }

  /**
   * From the metric exporter, before it collects: the SDK calls each group of instruments' callback
   * in turn, so one collection asks several times; one reading serves them all.
   */
  public synchronized void accountIdleBeforeExport() {
    if (System.nanoTime() - lastIdleAccountingNanos >= EXPORT_READING_MAX_AGE_NANOS) {
      accountIdleNow();
    }
  }

  private void accountIdle() {
    MemoryProbe probe = recorder.probe();
    if (probe != null && idle != null) {
      idle.update(probe, metrics);
    }
  }

  private String spanName(OpRecord r) {
    Kinds.Info info = Kinds.info(r.kind);
    String type = info.shape() == Kinds.Shape.OFF_HEAP ? info.typeName() : r.structureType;
    return spanNames.computeIfAbsent(type + "#" + info.opName(),
        k -> Kinds.simpleName(type) + "." + info.opName());
  }

  /** A kept op waiting for its syscall records. */
  private static final class Pending {
    final long cycle;
    final List<SyscallRecord> events = new ArrayList<>(2);
    final Op template;

    Pending(long cycle, OpRecord r, String name, long copied, long allocated) {
      this.cycle = cycle;
      SlotCounters c = new SlotCounters();
      c.copyFrom(r.counters);
      this.template = new Op(r.opId, name, r.structureType, r.structureId, r.resizeId,
          r.capacityBefore, r.capacityAfter, r.size, copied, allocated, r.startNanos, r.endNanos,
          r.tid, r.threadId, r.threadName, r.callSite, c, List.of(), r.kernelSource);
    }

    Op toOp(long epochOffsetNanos) {
      Op o = template;
      return new Op(o.opId(), o.name(), o.structureType(), o.structureId(), o.resizeId(),
          o.capacityBefore(), o.capacityAfter(), o.size(), o.bytesCopied(), o.bytesAllocated(),
          o.startEpochNanos() + epochOffsetNanos, o.endEpochNanos() + epochOffsetNanos, o.tid(),
          o.threadId(), o.threadName(), o.callSite(), o.counters(), List.copyOf(events),
          o.kernelSource());
    }
  }

  private static final class Orphans {
    final long arrivedNanos;
    final List<SyscallRecord> records = new ArrayList<>(2);

    Orphans(long arrivedNanos) {
      this.arrivedNanos = arrivedNanos;
    }
  }
}
