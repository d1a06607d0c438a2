package io.memspan.agent.record;

import io.memspan.agent.boot.HookSink;
import io.memspan.agent.op.CallSite;
import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.ThreadSlot;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records growth ops on the application threads that run them. {@code begin} arms the thread's
 * kernel slot with a fresh op id (a memory store); {@code end} disarms it, reads the slot's
 * counters, decides whether the op is kept, takes the call site only when needed, and leaves a
 * compact record in the thread's ring for the {@link Poller}. No locks; the only allocations are
 * the call site of a kept op (or of a structure's first armed op) and, once per thread, its state.
 *
 * <p>Threads of memspan's own thread group (the poller, the exporter) are never recorded, and an
 * op that starts while another is armed on the same thread (the recorder's own collections
 * growing) is ignored: that is the reentrancy guard.
 */
public final class Recorder implements HookSink {

  /** At most one stack walk per thread per this for ops that are not exported (500/s). */
  static final long SITE_WALK_SPACING_NANOS = 2_000_000L;

  /** Shared placeholder for threads that must not record: busy forever. */
  private static final ThreadState NOT_RECORDED = notRecorded();

  private final ThreadLocal<ThreadState> states = new ThreadLocal<>();
  private final Queue<ThreadState> registry = new ConcurrentLinkedQueue<>();
  private final AtomicLong opIds = new AtomicLong(1);
  private final ThreadGroup internalGroup;
  private final KeepPolicy keepPolicy;
  private final SpanBudget budget;
  private final int ringCapacity;

  private volatile MemoryProbe probe;
  private volatile int probeGeneration;
  private volatile Runnable onBacklog = () -> { };

  public Recorder(ThreadGroup internalGroup, long slowMicros, double sampleRate,
      long spansPerSecond, int ringCapacity) {
    this.internalGroup = internalGroup;
    this.keepPolicy = new KeepPolicy(slowMicros, sampleRate);
    this.budget = new SpanBudget(spansPerSecond);
    this.ringCapacity = Integer.highestOneBit(Math.max(2, ringCapacity));
  }

  /** The kernel source became ready (or changed): threads claim a slot at their next op. */
  public void useProbe(MemoryProbe p) {
    probe = p;
    probeGeneration++;
  }

  /**
   * No span will be sent (span export off): the spans-per-second cap no longer applies, so a kept
   * op stays kept (for the metrics and the advice) instead of being counted as capped.
   */
  public void withoutSpanCap() {
    budget.lift();
  }

  /** Whether any op was ever armed (each thread takes op ids from {@code opIds} in blocks). */
  public boolean anyOpBegun() {
    return opIds.get() > 1;
  }

  public MemoryProbe probe() {
    return probe;
  }

  /**
   * Run on the application thread whose op ring has just filled to half: the poller, which may be
   * in a long idle wait, drains it before it overflows. Must not block or allocate.
   */
  void onBacklog(Runnable wake) {
    onBacklog = wake;
  }

  Queue<ThreadState> threads() {
    return registry;
  }

  @Override
  public long begin(int kind, Object structure, Object aux, long capacityBefore, long size) {
    return arm(kind, structure, false, null, aux, capacityBefore, size);
  }

  @Override
  public long beginCopy(int kind, Class<?> type, Object oldArray, long capacityBefore,
      long size) {
    return arm(kind, null, true, type, oldArray, capacityBefore, size);
  }

  private long arm(int kind, Object structure, boolean copy, Class<?> type, Object aux,
      long capacityBefore, long size) {
    ThreadState t = current();
    if (t.busy) {
      return 0L;
    }
    t.busy = true;
    try {
      if (t.probeGeneration != probeGeneration) {
        claimSlot(t);
      }
      long id = t.nextOpId(opIds);
      t.opId = id;
      t.kind = kind;
      t.structure = structure;
      t.copy = copy;
      t.type = type;
      t.aux = aux;
      t.capacityBefore = capacityBefore;
      t.size = size;
      t.startNanos = System.nanoTime();
      t.slot.arm(id);
      return id;
    } catch (Throwable e) {
      t.opId = 0;
      t.busy = false;
      return 0L;
    }
  }

  @Override
  public void end(long opId, Object result, long capacityAfter) {
    ThreadState t = states.get();
    if (t == null || t.opId != opId || opId == 0L) {
      return;
    }
    long endNanos = System.nanoTime();
    try {
      t.slot.disarm();
      t.slot.readOp(t.counters);
      finish(t, result, capacityAfter, endNanos);
    } finally {
      t.opId = 0L;
      t.structure = null;
      t.type = null;
      t.aux = null;
      t.busy = false;
    }
  }

  private void finish(ThreadState t, Object result, long capacityAfter, long endNanos) {
    int kind = t.kind;
    int structureId;
    String type;
    if (t.copy) {
      structureId = t.copyChains.follow(t.aux, result);
      type = t.type != null ? t.type.getName() : Kinds.info(kind).typeName();
    } else {
      Object structure = t.structure != null ? t.structure : result;
      structureId = structure == null ? 0 : System.identityHashCode(structure);
      type = structure == null ? Kinds.info(kind).typeName() : structure.getClass().getName();
    }
    OpRecord r = t.ring.claim();
    if (r == null) {
      // poller behind: not recorded, but counted by type (a copy chain is followed all the same)
      t.ring.drops.add(kind, type,
          ByteEstimates.copiedUnits(kind, t.capacityBefore, byteLength(t.aux)), t.counters);
      return;
    }
    r.opId = t.opId;
    r.kind = kind;
    r.structureType = type;
    r.structureId = structureId;
    r.resizeId = kind == Kinds.CONCURRENT_HASH_MAP || kind == Kinds.CONCURRENT_HASH_MAP_HELPER
        ? ((long) structureId << 32) | (System.identityHashCode(t.aux) & 0xffffffffL) : 0L;
    r.capacityBefore = t.capacityBefore;
    r.capacityAfter = capacityAfter;
    r.size = t.size;
    r.oldBytes = byteLength(t.aux);
    r.newBytes = byteLength(result);
    r.startNanos = t.startNanos;
    r.endNanos = endNanos;
    r.tid = t.slot.tid();
    r.threadId = t.javaThreadId;
    r.kernelSource = t.kernelSource;
    r.counters.copyFrom(t.counters);

    boolean keep = keepPolicy.keep(kind, t.counters, endNanos - t.startNanos);
    boolean capped = keep && !budget.tryAcquire(endNanos);
    keep &= !capped;
    r.kept = keep;
    r.capped = capped;
    if (keep) {
      r.callSite = CallSites.current();
      r.threadName = t.thread.getName();
      t.cacheSite(kind, structureId, r.callSite);
    } else {
      CallSite site = t.cachedSite(kind, structureId);
      if (site == null) {
        // A stack walk costs 10-20 us: for ops not exported it only feeds the advice, so a
        // thread that makes many large short-lived structures walks at most once per spacing
        // and the others are left out of the advice (a sample of structures, counted).
        if (endNanos - t.lastSiteWalkNanos >= SITE_WALK_SPACING_NANOS) {
          site = CallSites.current();
          t.lastSiteWalkNanos = endNanos;
        } else {
          site = CallSite.NOT_SAMPLED;
        }
        t.cacheSite(kind, structureId, site);
      }
      r.callSite = site;
      r.threadName = null;
    }
    if (t.ring.publish()) {
      onBacklog.run();
    }
  }

  /** Length of a byte array (a builder's or stream's buffer), else -1. */
  private static long byteLength(Object array) {
    return array instanceof byte[] ? ((byte[]) array).length : -1;
  }

  private void claimSlot(ThreadState t) {
    MemoryProbe p = probe;
    int generation = probeGeneration;
    ThreadSlot slot = ThreadSlot.INERT;
    String source = MemoryProbe.NONE;
    if (p != null) {
      slot = p.claimCurrentThread();
      // no slot left (every one held by a live thread): this thread's ops are measured by nothing
      source = slot == null || slot == ThreadSlot.INERT ? MemoryProbe.NONE : p.source();
    }
    t.slot = slot == null ? ThreadSlot.INERT : slot;
    t.kernelSource = source;
    t.probeGeneration = generation;
  }

  private ThreadState current() {
    ThreadState t = states.get();
    if (t != null) {
      return t;
    }
    // Anything this thread grows while its state is built is ignored (the placeholder is busy).
    states.set(NOT_RECORDED);
    Thread thread = Thread.currentThread();
    if (isInternal(thread)) {
      return NOT_RECORDED;
    }
    ThreadState created = new ThreadState(thread, ringCapacity);
    registry.add(created);
    states.set(created);
    return created;
  }

  private boolean isInternal(Thread thread) {
    for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
      if (g == internalGroup) {
        return true;
      }
    }
    return false;
  }

  private static ThreadState notRecorded() {
    ThreadState s = new ThreadState(new Thread(() -> { }, "memspan-not-recorded"), 0);
    s.busy = true;
    return s;
  }
}
