package io.memspan.agent.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memspan.agent.export.MetricSource;
import io.memspan.agent.op.Advice;
import io.memspan.agent.op.CallSite;
import io.memspan.agent.probe.Kinds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorTest {
  private static final CallSite SITE = new CallSite("com.acme.Loader", "load", "Loader.java", 42);
  private static final CallSite OTHER = new CallSite("com.acme.Loader", "other", "Loader.java", 7);

  /** Replays ArrayList's growth policy from 10 up to a final capacity; returns it. */
  private static long growList(Advisor a, int id, CallSite site, long untilAtLeast) {
    long cap = 10;
    while (cap < untilAtLeast) {
      long next = cap + (cap >> 1);
      a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", id, site, cap, next, cap, cap * 4, 1);
      cap = next;
    }
    return cap;
  }

  @Test
  void listAdviceIsMeanPlusTwoSigmaOfFinalCapacities() {
    Advisor a = new Advisor(16, 1024);
    long c1 = growList(a, 1, SITE, 1000);
    long c2 = growList(a, 2, SITE, 2000);
    long c3 = growList(a, 3, SITE, 3000);
    double mean = (c1 + c2 + c3) / 3.0;
    double var = ((c1 - mean) * (c1 - mean) + (c2 - mean) * (c2 - mean)
        + (c3 - mean) * (c3 - mean)) / 3;
    long expected = (long) Math.ceil(mean + 2 * Math.sqrt(var));

    List<Advice> advice = a.advice();
    assertEquals(1, advice.size());
    Advice ad = advice.get(0);
    assertEquals(3, ad.samples());
    assertEquals(mean, ad.meanSize(), 1e-9);
    assertEquals(Math.sqrt(var), ad.stddevSize(), 1e-9);
    assertEquals(c3, ad.maxSize());
    assertEquals(expected, ad.recommendedCapacity());
    assertEquals(SITE, ad.callSite());
    // every growth ends at or below the recommendation (c3 <= expected), so all are saved
    long resizes = countGrowths(1000) + countGrowths(2000) + countGrowths(3000);
    assertEquals(resizes, ad.resizesObserved());
    assertEquals(resizes, ad.resizesSaved());
    assertEquals(resizes, ad.faultsSaved());
  }

  private static long countGrowths(long until) {
    long n = 0;
    for (long cap = 10; cap < until; cap += cap >> 1) {
      n++;
    }
    return n;
  }

  @Test
  void savedCountsOnlyGrowthsEndingWithinTheRecommendation() {
    Advisor a = new Advisor(16, 1024);
    // nine lists end at 100, one at 10_000: mean + 2 sigma stays far below 10_000
    for (int id = 1; id <= 9; id++) {
      a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", id, SITE, 50, 100, 50, 200, 0);
    }
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 10, SITE, 50, 100, 50, 200, 0);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 10, SITE, 100, 10_000, 100, 400, 5);
    Advice ad = a.advice().get(0);
    double mean = (9 * 100 + 10_000) / 10.0;
    double sd = Math.sqrt((9 * (100 - mean) * (100 - mean) + (10_000 - mean) * (10_000 - mean))
        / 10);
    assertEquals((long) Math.ceil(mean + 2 * sd), ad.recommendedCapacity());
    assertEquals(11, ad.resizesObserved());
    assertEquals(10, ad.resizesSaved());
    assertEquals(10 * 200, ad.bytesCopiedSaved());
    assertEquals(0, ad.faultsSaved());
  }

  @Test
  void hashAdviceIsEntriesOverLoadFactorPlusOneAndSavesEveryResize() {
    Advisor a = new Advisor(16, 1024);
    // HashMap to 1,000,000 entries: resize i sees size = 0.75 * old capacity + 1
    long cap = 16;
    long lastSize = 0;
    a.onOp(Kinds.HASH_MAP, "java.util.HashMap", 5, SITE, 0, 16, 1, 0, 0);
    while (cap * 3 / 4 < 1_000_000) {
      lastSize = cap * 3 / 4 + 1;
      a.onOp(Kinds.HASH_MAP, "java.util.HashMap", 5, SITE, cap, cap * 2, lastSize, cap * 4, 0);
      cap *= 2;
    }
    Advice ad = a.advice().get(0);
    assertEquals(lastSize, ad.maxSize());
    long recommended = (long) Math.ceil(lastSize / 0.75) + 1;
    assertEquals(recommended, ad.recommendedCapacity());
    // new HashMap<>(recommended) starts with the final table: no resize would have happened
    assertEquals(cap, Sizing.initialCapacity(Kinds.HASH_MAP, recommended));
    assertEquals(ad.resizesObserved(), ad.resizesSaved());
  }

  @Test
  void concurrentHashMapAdviceIsTheEntryCount() {
    assertEquals(1000, Sizing.recommend(Kinds.CONCURRENT_HASH_MAP, 1000, 0));
    assertEquals(2048, Sizing.initialCapacity(Kinds.CONCURRENT_HASH_MAP, 1000));
    assertEquals(1335, Sizing.recommend(Kinds.HASH_MAP, 1000, 0));
    assertEquals(2048, Sizing.initialCapacity(Kinds.HASH_MAP, 1335));
    assertEquals(1335, Sizing.recommend(Kinds.HASHTABLE, 1000, 0));
    assertEquals(1335, Sizing.initialCapacity(Kinds.HASHTABLE, 1335));
  }

  @Test
  void sitesAreBoundedAndOverflowIsCounted() {
    Advisor a = new Advisor(1, 1024);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 1, SITE, 10, 15, 10, 40, 0);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 2, OTHER, 10, 15, 10, 40, 0);
    assertEquals(1, a.advice().size());
    assertEquals(1, a.untrackedOps());
  }

  @Test
  void exclusionsArePublishedAsOneCounterByReason() {
    Advisor a = new Advisor(1, 1024);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 1, SITE, 10, 15, 10, 40, 0);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 2, OTHER, 10, 15, 10, 40, 0);
    a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", 3, OTHER, 10, 15, 10, 40, 0);
    for (int id = 4; id < 9; id++) {
      a.onOp(Kinds.ARRAY_LIST, "java.util.ArrayList", id, CallSite.NOT_SAMPLED, 10, 15, 10, 40, 0);
    }
    Map<String, Long> byReason = new HashMap<>();
    a.collect(new MetricSource.MetricWriter() {
      @Override
      public void counter(String name, String unit, String description, long value,
          String... labels) {
        assertEquals("memspan.advice.ops.excluded", name);
        assertEquals("{op}", unit);
        assertEquals("memspan.reason", labels[0]);
        byReason.put(labels[1], value);
      }

      @Override
      public void gauge(String name, String unit, String description, double value,
          String... labels) {
        throw new AssertionError("no gauge expected: " + name);
      }
    });
    assertEquals(Map.of("site_limit", 2L, "not_sampled", 5L), byReason);
  }

  @Test
  void evictedStructuresStillCountInTheStatistics() {
    Advisor bounded = new Advisor(16, 2);
    Advisor unbounded = new Advisor(16, 1024);
    for (Advisor a : List.of(bounded, unbounded)) {
      for (int id = 1; id <= 50; id++) {
        growList(a, id, SITE, 100L * id);
      }
    }
    Advice b = bounded.advice().get(0);
    Advice u = unbounded.advice().get(0);
    assertEquals(2, bounded.trackedStructures());
    assertEquals(u.samples(), b.samples());
    assertEquals(u.meanSize(), b.meanSize(), 1e-6);
    assertEquals(u.stddevSize(), b.stddevSize(), 1e-6);
    assertEquals(u.recommendedCapacity(), b.recommendedCapacity());
    assertEquals(u.resizesSaved(), b.resizesSaved());
  }

  @Test
  void offHeapAndHelperOpsGetNoAdvice() {
    Advisor a = new Advisor(16, 1024);
    a.onOp(Kinds.DIRECT_BUFFER, "java.nio.DirectByteBuffer", 1, SITE, 0, 1 << 20, 1 << 20, 0, 9);
    a.onOp(Kinds.CONCURRENT_HASH_MAP_HELPER, "java.util.concurrent.ConcurrentHashMap", 2, SITE,
        1024, 2048, -1, 0, 0);
    assertEquals(List.of(), a.advice());
  }

  @Test
  void summaryTableIsAligned() {
    Advisor a = new Advisor(16, 1024);
    growList(a, 1, SITE, 5000);
    a.onOp(Kinds.HASH_MAP, "java.util.LinkedHashMap", 9, OTHER, 16, 32, 13, 64, 0);
    String table = SummaryTable.format(a.advice(), 20);
    String[] lines = table.split("\n");
    assertEquals(4, lines.length, table);
    int recommendEnd = lines[1].indexOf("recommend") + "recommend".length();
    for (int i = 2; i < lines.length; i++) {
      assertEquals(lines[1].length(), lines[i].length(), table);
      assertEquals(' ', lines[i].charAt(recommendEnd), table);
    }
    assertEquals(true, table.contains("com.acme.Loader.load:42  ArrayList"), table);
    assertEquals(true, table.contains("LinkedHashMap"), table);
  }
}
