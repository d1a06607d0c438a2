package io.memspan.agent.account;

import io.memspan.agent.export.MetricSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The agent's counters, published as OTLP metrics: every armed op by structure type whether kept
 * or not, bytes copied, faults and mmap bytes of the whole process by attribution category, and
 * every loss (ring-buffer reserve failures, ops dropped on a full queue or over the span cap,
 * spans the exporter refused). Written by the poller, read by the exporter's collection thread.
 */
public final class AgentMetrics implements MetricSource {

  private static final int KEPT = 0;
  private static final int NOT_KEPT = 1;
  private static final int BYTES_COPIED = 2;

  private final Map<String, AtomicLongArray> byType = new ConcurrentHashMap<>();
  private final AtomicLongArray faults = new AtomicLongArray(ThreadCategory.values().length);
  private final AtomicLongArray mmapBytes = new AtomicLongArray(ThreadCategory.values().length);

  public final AtomicLong kernelRecordsLost = new AtomicLong();
  public final AtomicLong kernelRecordsUnjoined = new AtomicLong();
  public final AtomicLong opsDroppedQueueFull = new AtomicLong();
  public final AtomicLong opsDroppedSpanCap = new AtomicLong();
  public final AtomicLong spansRejectedByExporter = new AtomicLong();
  public final AtomicLong spansEmitted = new AtomicLong();
  private volatile Runnable beforeCollect = () -> { };

  public void onOp(String simpleType, boolean kept, long bytesCopied) {
    onOps(simpleType, kept, 1, bytesCopied);
  }

  /** {@code n} ops of one type (ops a full op ring could not take are counted in bulk). */
  public void onOps(String simpleType, boolean kept, long n, long bytesCopied) {
    AtomicLongArray a = byType.computeIfAbsent(simpleType, k -> new AtomicLongArray(3));
    a.addAndGet(kept ? KEPT : NOT_KEPT, n);
    a.addAndGet(BYTES_COPIED, bytesCopied);
  }

  public void addOpFaults(long opFaults, long opMmapBytes) {
    faults.addAndGet(ThreadCategory.APPLICATION_OPS.ordinal(), opFaults);
    mmapBytes.addAndGet(ThreadCategory.APPLICATION_OPS.ordinal(), opMmapBytes);
  }

  /** Idle totals are cumulative sums recomputed by the poller: set, not added. */
  public void setIdle(ThreadCategory c, long totalFaults, long totalMmapBytes) {
    faults.set(c.ordinal(), totalFaults);
    mmapBytes.set(c.ordinal(), totalMmapBytes);
  }

  public long ops(String simpleType, boolean kept) {
    AtomicLongArray a = byType.get(simpleType);
    return a == null ? 0 : a.get(kept ? KEPT : NOT_KEPT);
  }

  /** Every op counted so far, of every type, kept or not. */
  public long opsCounted() {
    long n = 0;
    for (AtomicLongArray a : byType.values()) {
      n += a.get(KEPT) + a.get(NOT_KEPT);
    }
    return n;
  }

  /** Ops kept (eventful, or sampled) so far, of every type. */
  public long opsKept() {
    long n = 0;
    for (AtomicLongArray a : byType.values()) {
      n += a.get(KEPT);
    }
    return n;
  }

  public long faults(ThreadCategory c) {
    return faults.get(c.ordinal());
  }

  /**
   * Runs before each collection: the idle threads' counters are read from the kernel then, fresh,
   * rather than on a short timer whose every other reading no export ever sent.
   */
  public void refreshBeforeCollect(Runnable refresh) {
    beforeCollect = refresh;
  }

  @Override
  public void collect(MetricWriter w) {
    try {
      beforeCollect.run();
    } catch (RuntimeException e) {
      // the last values still go out
    }
    for (Map.Entry<String, AtomicLongArray> e : byType.entrySet()) {
      AtomicLongArray a = e.getValue();
      w.counter("memspan.ops", "{op}", "Growth ops armed, by structure type and whether kept",
          a.get(KEPT), "memspan.structure.type", e.getKey(), "memspan.kept", "true");
      w.counter("memspan.ops", "{op}", "Growth ops armed, by structure type and whether kept",
          a.get(NOT_KEPT), "memspan.structure.type", e.getKey(), "memspan.kept", "false");
      w.counter("memspan.bytes.copied", "By", "Estimated bytes copied by growth ops",
          a.get(BYTES_COPIED), "memspan.structure.type", e.getKey());
    }
    for (ThreadCategory c : ThreadCategory.values()) {
      w.counter("memspan.page_faults", "{fault}", "Page faults of the process by attribution",
          faults.get(c.ordinal()), "memspan.attribution", c.label());
      w.counter("memspan.mmap.bytes", "By", "Bytes mapped by the process by attribution",
          mmapBytes.get(c.ordinal()), "memspan.attribution", c.label());
    }
    w.counter("memspan.kernel.records.lost", "{record}",
        "Syscall records the kernel could not queue (ring buffer full)", kernelRecordsLost.get());
    w.counter("memspan.kernel.records.unjoined", "{record}",
        "Syscall records of an armed op whose op record never arrived", kernelRecordsUnjoined.get());
    w.counter("memspan.ops.dropped", "{op}", "Ops not exported", opsDroppedQueueFull.get(),
        "memspan.reason", "queue_full");
    w.counter("memspan.ops.dropped", "{op}", "Ops not exported", opsDroppedSpanCap.get(),
        "memspan.reason", "span_cap");
    w.counter("memspan.ops.dropped", "{op}", "Ops not exported", spansRejectedByExporter.get(),
        "memspan.reason", "exporter_rejected");
  }
}
