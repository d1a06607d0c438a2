package io.memspan.agent.record;

import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.SlotCounters;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which armed ops become spans: every op that faulted, touched mappings or ran longer than the
 * slow threshold; the uneventful rest at the sample rate.
 */
final class KeepPolicy {
  private final long slowNanos;
  private final double sampleRate;

  KeepPolicy(long slowMicros, double sampleRate) {
    this.slowNanos = slowMicros * 1000L;
    this.sampleRate = sampleRate;
  }

  boolean keep(int kind, SlotCounters c, long durationNanos) {
    if (isEventful(kind, c) || durationNanos >= slowNanos) {
      return true;
    }
    return sampleRate >= 1.0
        || (sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate);
  }

  static boolean isEventful(int kind, SlotCounters c) {
    return c.userFaults > 0 || c.kernelFaults > 0 || c.mmapCount > 0 || c.munmapCount > 0
        || c.mremapCount > 0 || kind == Kinds.FILE_MAP;
  }
}
