package io.memspan.agent.account;

import io.memspan.bpf.MemoryProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Faults and mmap bytes of threads outside any armed op, per {@link ThreadCategory}. The probe's
 * idle counters are cumulative per thread; the last value of every thread seen is kept (bounded),
 * so a thread that exits still counts.
 */
public final class IdleAccounting {
  private static final int MAX_THREADS = 65536;

  // faults, mmap bytes, category, and the faults and mmap bytes of earlier probes (see rebase)
  private final Map<Integer, long[]> lastByTid = new HashMap<>();
  private final long[] overflow = new long[2 * ThreadCategory.values().length];

  public void update(MemoryProbe probe, AgentMetrics metrics) {
    probe.forEachIdleThread((tid, idle) -> {
      long[] v = lastByTid.get(tid);
      if (v == null) {
        if (lastByTid.size() >= MAX_THREADS) {
          int c = category(tid).ordinal();
          overflow[2 * c] = Math.max(overflow[2 * c], idle.faults());
          return;
        }
        v = new long[] {0, 0, category(tid).ordinal(), 0, 0};
        lastByTid.put(tid, v);
      }
      // Cumulative per thread, so never lowered: the exported sums are OTLP cumulative counters,
      // which a collector would read as a reset. A thread's parts can be read a pass apart when
      // it ends between two looks (its table entry gone, its slot's final values one pass later);
      // the larger reading is then the truer one.
      v[0] = Math.max(v[0], idle.faults());
      v[1] = Math.max(v[1], idle.mmapBytes);
    });
    long[] sums = overflow.clone();
    for (long[] v : lastByTid.values()) {
      sums[2 * (int) v[2]] += v[0] + v[3];
      sums[2 * (int) v[2] + 1] += v[1] + v[4];
    }
    for (ThreadCategory c : ThreadCategory.values()) {
      if (c != ThreadCategory.APPLICATION_OPS) {
        metrics.setIdle(c, sums[2 * c.ordinal()], sums[2 * c.ordinal() + 1]);
      }
    }
  }

  /**
   * The probe these counters came from was closed (memspan detach) and a new one's counters start
   * at zero: what was counted so far becomes each thread's base, so the exported sums (cumulative
   * OTLP counters) never go back.
   */
  public void rebase() {
    for (long[] v : lastByTid.values()) {
      v[3] += v[0];
      v[4] += v[1];
      v[0] = 0;
      v[1] = 0;
    }
  }

  static ThreadCategory category(int tid) {
    try {
      String comm = new String(Files.readAllBytes(Path.of("/proc/self/task/" + tid + "/comm")),
          StandardCharsets.UTF_8);
      return ThreadCategory.ofIdleThread(comm);
    } catch (IOException | RuntimeException e) {
      return ThreadCategory.OTHER; // the thread is gone before we could name it
    }
  }
}
