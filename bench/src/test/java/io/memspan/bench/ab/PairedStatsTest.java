package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedStatsTest {

  @Test
  void ratiosPairValuesOfTheSameRound() {
    assertArrayEquals(new double[] {1.01, 0.5, 2.0},
        PairedStats.ratios(new double[] {101, 100, 300}, new double[] {100, 200, 150}), 1e-15);
    assertThrows(IllegalArgumentException.class,
        () -> PairedStats.ratios(new double[] {1, 2}, new double[] {1}));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, PairedStats.median(new double[] {5, 1, 3}));
    assertEquals(2.5, PairedStats.median(new double[] {4, 1, 3, 2}));
    assertEquals(7.0, PairedStats.median(new double[] {7}));
  }

  @Test
  void quantileInterpolatesBetweenOrderStatistics() {
    double[] sorted = {10, 20, 30, 40};
    assertEquals(10.0, PairedStats.quantile(sorted, 0));
    assertEquals(40.0, PairedStats.quantile(sorted, 1));
    assertEquals(25.0, PairedStats.quantile(sorted, 0.5));
    // position 0.025 · 3 = 0.075: 10 + 0.075 · (20 − 10)
    assertEquals(10.75, PairedStats.quantile(sorted, 0.025), 1e-12);
    assertEquals(39.25, PairedStats.quantile(sorted, 0.975), 1e-12);
  }

  @Test
  void identicalRoundsGiveAPointInterval() {
    PairedStats.Interval ci = PairedStats.ci95(new double[] {1.005, 1.005, 1.005, 1.005, 1.005});
    assertEquals(new PairedStats.Interval(1.005, 1.005), ci);
  }

  @Test
  void twoRoundsSpanBothValues() {
    // Resampled medians are a, (a+b)/2 or b with probability 1/4, 1/2, 1/4: both tails are the
    // extremes themselves.
    assertEquals(new PairedStats.Interval(0.97, 1.06),
        PairedStats.ci95(new double[] {1.06, 0.97}));
  }

  @Test
  void fiveRoundsSpanMinimumToMaximum() {
    // The resampled median of 5 is the smallest round with probability P(Bin(5, 1/5) ≥ 3) = 5.8 %,
    // more than the 2.5 % tail, so the interval is [min, max].
    assertEquals(new PairedStats.Interval(0.96, 1.08),
        PairedStats.ci95(new double[] {1.02, 0.96, 1.08, 1.00, 1.01}));
  }

  @Test
  void nineRoundsDropOneRoundAtEachEnd() {
    // For 9 rounds, P(resampled median ≤ k-th smallest) = P(Bin(9, k/9) ≥ 5): 0.15 % for k = 1,
    // 3.04 % for k = 2, 96.96 % for k = 7, 99.85 % for k = 8. The 2.5 % and 97.5 % quantiles are
    // therefore the 2nd smallest and the 2nd largest round.
    double[] ratios = {1.040, 0.990, 1.010, 0.970, 1.000, 1.020, 1.005, 0.995, 1.030};
    assertEquals(new PairedStats.Interval(0.990, 1.030), PairedStats.ci95(ratios));
  }

  @Test
  void theSameRoundsAndSeedGiveTheSameInterval() {
    double[] ratios = {1.013, 0.987, 1.002, 1.044, 0.951, 1.008, 0.999, 1.021, 0.978, 1.035, 1.006};
    PairedStats.Interval first = PairedStats.bootstrapMedian(ratios, 0.95, 2_000, 7);
    assertEquals(first, PairedStats.bootstrapMedian(ratios, 0.95, 2_000, 7));
    double median = PairedStats.median(ratios);
    assertTrue(first.low() <= median && median <= first.high(), first + " around " + median);
  }

  @Test
  void moreRoundsOfTheSameSpreadNarrowTheInterval() {
    double[] five = {1.02, 0.96, 1.08, 1.00, 1.01};
    double[] twenty = new double[20];
    for (int i = 0; i < twenty.length; i++) {
      twenty[i] = five[i % five.length];
    }
    PairedStats.Interval wide = PairedStats.ci95(five);
    PairedStats.Interval narrow = PairedStats.ci95(twenty);
    assertTrue(narrow.high() - narrow.low() < wide.high() - wide.low(), narrow + " vs " + wide);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> PairedStats.ci95(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> PairedStats.quantile(new double[] {1}, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new PairedStats.Interval(1.1, 1.0));
  }
}
