package io.memspan.agent.account;

/**
 * The line the agent prints at JVM exit about the ops it did not export, from its counters. With
 * span export on it names every loss, if there was any; with span export off it says so, and what
 * was counted (the metrics, if exported, carry the same numbers), since nothing was meant to leave.
 */
public final class ExitReport {
  private ExitReport() {}

  /**
   * @param spansOffBecause why no span is exported ({@code otel.traces.exporter=none}, ...), or
   *     null when spans are exported
   * @return the line, or null when there is nothing to say
   */
  public static String line(AgentMetrics m, String spansOffBecause) {
    long ringFull = m.opsDroppedQueueFull.get();
    long lost = m.kernelRecordsLost.get();
    if (spansOffBecause != null) {
      StringBuilder sb = new StringBuilder("memspan: span export off (").append(spansOffBecause)
          .append("): ").append(m.opsCounted()).append(" ops counted, ").append(m.opsKept())
          .append(" kept (no spans sent)");
      if (ringFull > 0) {
        // counted by type all the same, as not kept: no record of them reached the poller
        sb.append(", ").append(ringFull).append(" of them on full op rings (not kept)");
      }
      if (lost > 0) {
        sb.append("; ").append(lost).append(" kernel records lost");
      }
      return sb.toString();
    }
    long capped = m.opsDroppedSpanCap.get();
    long refused = m.spansRejectedByExporter.get();
    if (ringFull + capped + refused == 0 && lost == 0) {
      return null;
    }
    return "memspan: not exported: " + capped + " ops over the span cap, " + ringFull
        + " ops on full op rings, " + refused + " spans refused by the exporter; " + lost
        + " kernel records lost";
  }
}
