package io.memspan.agent.export.netty;

/**
 * Limits the SDK's sender configuration has no field for. The SPI creates senders with a no-arg
 * provider, so the exporter factory sets these before it builds the exporters.
 */
public final class SenderLimits {
  private SenderLimits() {}

  private static volatile int maxInFlight = 4;

  /** Requests one sender may have on the wire; beyond it a send fails at once (and is counted). */
  public static void maxInFlight(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("max in-flight must be positive: " + n);
    }
    maxInFlight = n;
  }

  static int maxInFlight() {
    return maxInFlight;
  }
}
