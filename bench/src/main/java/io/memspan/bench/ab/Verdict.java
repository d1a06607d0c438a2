package io.memspan.bench.ab;

import java.util.Locale;

/**
 * What a row of the A/B may claim about the goal "costs at most {@code tolerance}" (1 %), from
 * the confidence interval of its median ratio and no more: a claim needs the whole interval on one
 * side of a bound, and enough rounds for the bootstrap to mean anything.
 */
public final class Verdict {
  /**
   * Fewest rounds for a verdict. The percentile bootstrap of a median from n rounds cannot reach
   * beyond the extreme rounds; [min, max] of 5 rounds covers the true median with probability
   * 1 − 2·2⁻⁵ ≈ 94 %, of 3 rounds only 75 %.
   */
  public static final int MIN_ROUNDS = 5;

  private Verdict() {}

  /** The verdict text for one row: {@code ci} of the ratio to no agent, from {@code rounds}. */
  public static String of(PairedStats.Interval ci, int rounds, double tolerance) {
    String pct = percent(tolerance);
    if (rounds < MIN_ROUNDS) {
      return String.format(Locale.ROOT, "not resolved: %d rounds (a verdict needs %d)",
          rounds, MIN_ROUNDS);
    }
    if (ci.low() >= 1 - tolerance && ci.high() <= 1 + tolerance) {
      return "within " + pct;
    }
    if (ci.low() > 1 + tolerance) {
      return "costs more than " + pct;
    }
    if (ci.high() < 1 - tolerance) {
      // Not the goal's question, but what the data shows; an agent rarely speeds a program up,
      // so a row like this says more about the harness or the JIT than about the agent.
      return "faster by more than " + pct;
    }
    return String.format(Locale.ROOT, "not resolved at this noise (CI ±%.1f %%)",
        ci.halfWidthPercent());
  }

  private static String percent(double fraction) {
    double p = 100 * fraction;
    return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p)
        : String.format(Locale.ROOT, "%s", p)) + " %";
  }
}
