package io.memspan.agent.record;

import io.memspan.agent.op.CallSite;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.ThreadSlot;

/**
 * Everything the recorder keeps for one application thread: its kernel slot, the op it has armed,
 * its ring of finished ops, and small caches that keep the armed path free of allocation.
 * Touched only by its own thread, except {@link #ring} (consumed by the poller).
 */
final class ThreadState {
  private static final int ID_BLOCK = 1 << 12;
  private static final int SITE_CACHE = 64;

  final Thread thread;
  final long javaThreadId;
  final OpRing ring;

  /** set while an op is armed or the recorder itself runs on this thread: nested ops are ignored */
  boolean busy;

  ThreadSlot slot = ThreadSlot.INERT;
  int probeGeneration = -1;
  String kernelSource = MemoryProbe.NONE;

  private long nextId;
  private long idLimit;

  // the armed op
  long opId;
  int kind;
  Object structure;
  /** a copy-growth op: the structure is known by its class (may be null) and its arrays */
  boolean copy;
  Class<?> type;
  Object aux;
  long capacityBefore;
  long size;
  long startNanos;
  final SlotCounters counters = new SlotCounters();

  // one call site per structure for the advisor, so uneventful ops need no stack walk
  private final int[] siteIds = new int[SITE_CACHE];
  private final int[] siteKinds = new int[SITE_CACHE];
  private final CallSite[] sites = new CallSite[SITE_CACHE];

  final CopyChains copyChains = new CopyChains();

  ThreadState(Thread thread, int ringCapacity) {
    this.thread = thread;
    this.javaThreadId = thread.getId();
    this.ring = ringCapacity > 0 ? new OpRing(ringCapacity) : null;
  }

  long nextOpId(java.util.concurrent.atomic.AtomicLong blocks) {
    if (nextId == idLimit) {
      nextId = blocks.getAndAdd(ID_BLOCK);
      idLimit = nextId + ID_BLOCK;
    }
    return nextId++;
  }

  /** When this thread last walked its stack for an op that is not exported. */
  long lastSiteWalkNanos = Long.MIN_VALUE / 2;

  CallSite cachedSite(int kind, int structureId) {
    int i = structureId & (SITE_CACHE - 1);
    CallSite s = sites[i];
    return s != null && siteIds[i] == structureId && siteKinds[i] == kind ? s : null;
  }

  void cacheSite(int kind, int structureId, CallSite site) {
    int i = structureId & (SITE_CACHE - 1);
    siteIds[i] = structureId;
    siteKinds[i] = kind;
    sites[i] = site;
  }
}
