package io.memspan.bench.ab;

import java.util.Arrays;
import java.util.Random;

/**
 * The statistics of a paired A/B: each round yields one ratio (a configuration's figure over the
 * no-agent figure of the same round), and the report is the median of those ratios with a
 * percentile-bootstrap confidence interval over rounds. Rounds, not single runs, are resampled
 * because runs within a round share the machine's state at that time (that is what pairing buys).
 *
 * <p>The bootstrap draws from {@link Random}, whose algorithm its specification fixes, so the same
 * ratios and seed give the same interval on every JDK.
 */
public final class PairedStats {
  /** Bootstrap resamples; with 10,000 the 2.5 % tail holds 250 resampled medians. */
  public static final int RESAMPLES = 10_000;
  public static final long DEFAULT_SEED = 20261121L;

  private PairedStats() {}

  /** A closed interval of ratios. */
  public record Interval(double low, double high) {
    public Interval {
      if (!(low <= high)) {
        throw new IllegalArgumentException("interval low " + low + " above high " + high);
      }
    }

    /** Half the width, as a percentage of a ratio of 1. */
    public double halfWidthPercent() {
      return 100 * (high - low) / 2;
    }
  }

  /** Per-round ratios {@code a[i] / b[i]}; both arrays are indexed by round. */
  public static double[] ratios(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " rounds against " + b.length);
    }
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * The {@code p}-quantile of sorted values, interpolating linearly between the order statistics
   * around position {@code p·(n−1)} (Hyndman and Fan's type 7, R's and NumPy's default).
   */
  public static double quantile(double[] sorted, double p) {
    if (sorted.length == 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("quantile " + p + " of " + sorted.length + " values");
    }
    double h = p * (sorted.length - 1);
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Percentile-bootstrap interval of the median of {@code values} at confidence {@code level}
   * (0.95 for 95 %): {@code resamples} times, draw as many values with replacement, take their
   * median; the interval runs between the {@code (1−level)/2} and {@code (1+level)/2} quantiles
   * of those medians.
   */
  public static Interval bootstrapMedian(double[] values, double level, int resamples, long seed) {
    if (values.length == 0 || resamples < 1 || !(level > 0 && level < 1)) {
      throw new IllegalArgumentException("bootstrap of " + values.length + " values, "
          + resamples + " resamples, level " + level);
    }
    Random rnd = new Random(seed);
    int n = values.length;
    double[] sample = new double[n];
    double[] medians = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < n; i++) {
        sample[i] = values[rnd.nextInt(n)];
      }
      medians[b] = median(sample);
    }
    Arrays.sort(medians);
    double tail = (1 - level) / 2;
    return new Interval(quantile(medians, tail), quantile(medians, 1 - tail));
  }

  /** The 95 % interval the report prints, with the default resamples and seed. */
  public static Interval ci95(double[] values) {
    return bootstrapMedian(values, 0.95, RESAMPLES, DEFAULT_SEED);
  }
}
