package io.memspan.bench.ab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order of one round's child runs: every cell (workload × configuration) in a random order,
 * then the same order mirrored (A B C D D C B A). Mirroring gives every cell the same mean slot,
 * so a load that drifts linearly through the round adds the same to each cell's mean; the random
 * order keeps any fixed succession (one configuration always after another) from biasing a pair.
 * Seeded, so a session's order can be reproduced.
 */
public final class RoundSchedule<T> {
  private final List<T> cells;
  private final Random rnd;

  public RoundSchedule(List<T> cells, long seed) {
    this.cells = List.copyOf(cells);
    this.rnd = new Random(seed);
  }

  /** The next round: {@code 2 × cells} slots, each cell twice, mirrored around the middle. */
  public List<T> nextRound() {
    List<T> forward = new ArrayList<>(cells);
    Collections.shuffle(forward, rnd);
    List<T> round = new ArrayList<>(forward);
    Collections.reverse(forward);
    round.addAll(forward);
    return round;
  }
}
