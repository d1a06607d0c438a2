package io.memspan.agent.record;

import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.SlotCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The ops one thread made while its op ring was full (the poller descheduled), by structure type:
 * no record of them reaches the poller, yet they are counted in the metrics (ops by type, bytes
 * copied, faults and mmap bytes of application ops). Written only by the owning thread and only on
 * that drop path, so an op that fits in the ring pays nothing for it; the poller reads the counters
 * racily (opaque loads of values only this thread writes) and takes what grew since its last look.
 */
final class RingDrops {
  /** Types counted by name per thread; beyond them an op counts under its probe's JDK type. */
  static final int NAMED_TYPES = 8;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle NAMED;

  static {
    try {
      NAMED = MethodHandles.lookup().findVarHandle(RingDrops.class, "named", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Receives, on the poller, what was dropped since the last report of one type. */
  interface Sink {
    void dropped(String type, int kind, long ops, long copiedUnits, long faults, long mmapBytes);
  }

  // entries [0, named) by type name, then one per kind under Kinds.info(kind).typeName()
  private final String[] types = new String[NAMED_TYPES + Kinds.count()];
  private final int[] kinds = new int[types.length];
  private final long[] ops = new long[types.length];
  private final long[] copiedUnits = new long[types.length];
  private final long[] faults = new long[types.length];
  private final long[] mmapBytes = new long[types.length];
  /** named entries in use: published (release) after the entry's type and kind are written */
  @SuppressWarnings("unused") private int named;

  // the poller's own: what it has reported so far
  private final long[] reportedOps = new long[types.length];
  private final long[] reportedUnits = new long[types.length];
  private final long[] reportedFaults = new long[types.length];
  private final long[] reportedMmap = new long[types.length];

  RingDrops() {
    for (int k = 0; k < Kinds.count(); k++) {
      types[NAMED_TYPES + k] = Kinds.info(k).typeName();
      kinds[NAMED_TYPES + k] = k;
    }
  }

  /**
   * Owning thread: one op its full ring could not take. No allocation, no lock.
   *
   * @param copiedUnits elements (or bytes) it copied, {@link ByteEstimates#copiedUnits}
   */
  void add(int kind, String type, long copiedUnits, SlotCounters c) {
    int i = entry(kind, type);
    add(this.copiedUnits, i, copiedUnits);
    add(faults, i, c.faults());
    add(mmapBytes, i, c.mmapBytes);
    add(ops, i, 1);
  }

  private static void add(long[] a, int i, long d) {
    LONGS.setOpaque(a, i, a[i] + d); // only this thread writes: a plain read of its own value
  }

  private int entry(int kind, String type) {
    int n = named; // only this thread writes it
    for (int i = 0; i < n; i++) {
      if (kinds[i] == kind && type.equals(types[i])) {
        return i;
      }
    }
    if (n < NAMED_TYPES) {
      types[n] = type;
      kinds[n] = kind;
      NAMED.setRelease(this, n + 1);
      return n;
    }
    return NAMED_TYPES + kind;
  }

  /** Poller: hands {@code sink} what was dropped since the last call; returns how many ops. */
  long report(Sink sink) {
    long total = 0;
    int n = (int) NAMED.getAcquire(this);
    for (int i = 0; i < types.length; i++) {
      if (i >= n && i < NAMED_TYPES) {
        continue;
      }
      long o = (long) LONGS.getOpaque(ops, i);
      long u = (long) LONGS.getOpaque(copiedUnits, i);
      long f = (long) LONGS.getOpaque(faults, i);
      long m = (long) LONGS.getOpaque(mmapBytes, i);
      if (o == reportedOps[i] && u == reportedUnits[i] && f == reportedFaults[i]
          && m == reportedMmap[i]) {
        continue;
      }
      sink.dropped(types[i], kinds[i], o - reportedOps[i], u - reportedUnits[i],
          f - reportedFaults[i], m - reportedMmap[i]);
      total += o - reportedOps[i];
      reportedOps[i] = o;
      reportedUnits[i] = u;
      reportedFaults[i] = f;
      reportedMmap[i] = m;
    }
    return total;
  }
}
