package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundScheduleTest {
  private static final List<String> CELLS = List.of("A", "B", "C", "D");

  @Test
  void eachRoundIsAPermutationFollowedByItsMirror() {
    RoundSchedule<String> s = new RoundSchedule<>(CELLS, 1);
    for (int r = 0; r < 20; r++) {
      List<String> round = s.nextRound();
      assertEquals(8, round.size());
      List<String> second = new ArrayList<>(round.subList(4, 8));
      Collections.reverse(second);
      assertEquals(round.subList(0, 4), second);
      List<String> sorted = new ArrayList<>(round.subList(0, 4));
      Collections.sort(sorted);
      assertEquals(CELLS, sorted);
    }
  }

  @Test
  void everyCellHasTheSameMeanSlotSoLinearDriftCancels() {
    List<String> round = new RoundSchedule<>(CELLS, 3).nextRound();
    Map<String, Integer> slotSum = new HashMap<>();
    for (int slot = 0; slot < round.size(); slot++) {
      slotSum.merge(round.get(slot), slot, Integer::sum);
    }
    assertEquals(Map.of("A", 7, "B", 7, "C", 7, "D", 7), slotSum);
  }

  @Test
  void theOrderIsReproducibleFromTheSeedAndVariesAcrossRounds() {
    RoundSchedule<String> a = new RoundSchedule<>(CELLS, 42);
    RoundSchedule<String> b = new RoundSchedule<>(CELLS, 42);
    List<List<String>> roundsA = new ArrayList<>();
    for (int r = 0; r < 10; r++) {
      List<String> round = a.nextRound();
      assertEquals(round, b.nextRound());
      roundsA.add(round);
    }
    assertNotEquals(1, roundsA.stream().distinct().count(), "ten rounds in one order");
  }
}
