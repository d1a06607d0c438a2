package io.memspan.bpf;

/**
 * Loss is measured, never silent: {@code generated = delivered + lost + pending}, where
 * {@code lost} counts the kernel's ring-buffer reserve failures.
 */
public record ProbeStats(
    long recordsGenerated,
    long recordsDelivered,
    long recordsLost,
    int slotsInUse,
    long slotClaimFailures) {}
