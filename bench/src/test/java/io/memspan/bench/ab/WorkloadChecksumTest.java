package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The A/B runner compares checksums across runs, so each workload's must depend only on its size. */
class WorkloadChecksumTest {

  @Test
  void jsonOrdersChecksumIsDeterministicAndDependsOnSize() throws Exception {
    long first = JsonOrders.run(2_000);
    assertEquals(first, JsonOrders.run(2_000));
    assertNotEquals(first, JsonOrders.run(2_001));
  }

  @Test
  void sqlOrdersChecksumIsDeterministicAndDependsOnSize() throws Exception {
    long first = SqlOrders.run(5_000);
    assertEquals(first, SqlOrders.run(5_000));
    assertNotEquals(first, SqlOrders.run(5_001));
  }

  @Test
  void luceneIndexChecksumIsDeterministicAndDependsOnSize() throws Exception {
    long first = LuceneIndex.run(2_000);
    assertEquals(first, LuceneIndex.run(2_000));
    assertNotEquals(first, LuceneIndex.run(2_001));
  }

  @Test
  void badSizeIsRejectedNamingTheArgument() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Workloads.positive("0", "rows"));
    assertEquals("rows must be a positive integer, got '0'", e.getMessage());
  }
}
