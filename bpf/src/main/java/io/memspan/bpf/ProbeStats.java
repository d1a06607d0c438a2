package io.memspan.bpf;

/**
 * Loss is measured, never silent: {@code generated = delivered + lost + pending}, where
 * {@code lost} counts the kernel's ring-buffer reserve failures (and syscalls it could not track
 * between enter and exit, and records Java skipped because their kind was unknown).
 * {@code idleEventsUncounted} counts faults and syscalls of slotless
 * threads that found the bounded per-tid idle table full.
 */
public record ProbeStats(
    long recordsGenerated,
    long recordsDelivered,
    long recordsLost,
    int slotsInUse,
    long slotClaimFailures,
    long idleEventsUncounted) {

  public ProbeStats(long recordsGenerated, long recordsDelivered, long recordsLost, int slotsInUse,
      long slotClaimFailures) {
    this(recordsGenerated, recordsDelivered, recordsLost, slotsInUse, slotClaimFailures, 0);
  }

  /** Records generated but neither delivered nor lost yet: still in the ring. */
  public long recordsPending() {
    return recordsGenerated - recordsDelivered - recordsLost;
  }
}
