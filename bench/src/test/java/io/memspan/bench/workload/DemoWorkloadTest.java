package io.memspan.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorkloadTest {

  @TempDir Path dir;

  @Test
  void generatedLogParsesBackLineForLine() throws Exception {
    Path log = dir.resolve("a.log");
    new AccessLogGenerator(42).write(log, 5_000);
    List<String> lines = Files.readAllLines(log);
    List<LogRecord> records = new LogParser().parse(log);
    assertEquals(5_000, lines.size());
    assertEquals(5_000, records.size());
    LogRecord first = records.get(0);
    assertEquals(1, first.lineNumber());
    assertTrue(lines.get(0).startsWith(first.client() + " - " + first.user() + " ["));
    assertTrue(lines.get(0).endsWith(" " + first.latencyMicros()));
    for (LogRecord r : records) {
      assertTrue(List.of(AccessLogGenerator.ENDPOINTS).contains(r.endpoint()), r.endpoint());
    }
  }

  @Test
  void sameSeedSameLog() throws Exception {
    Path a = dir.resolve("a.log");
    Path b = dir.resolve("b.log");
    new AccessLogGenerator(42).write(a, 2_000);
    new AccessLogGenerator(42).write(b, 2_000);
    assertEquals(-1L, Files.mismatch(a, b));
  }

  @Test
  void endpointTemplatesFoldIds() {
    assertEquals("/api/orders/{id}", LogParser.endpointOf("/api/orders/4711"));
    assertEquals("/api/inventory/{sku}", LogParser.endpointOf("/api/inventory/SKU-12"));
    assertEquals("/api/cart", LogParser.endpointOf("/api/cart"));
  }

  @Test
  void badLineIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogParser.parseLine(7, "garbage"));
    assertTrue(e.getMessage().contains("line 7"), e.getMessage());
  }

  @Test
  void indexIntersectsPostingLists() throws Exception {
    Path log = dir.resolve("a.log");
    new AccessLogGenerator(42).write(log, 3_000);
    List<LogRecord> records = new LogParser().parse(log);
    InvertedIndex index = new InvertedIndex();
    records.forEach(index::add);
    long expected = records.stream()
        .filter(r -> r.userAgent().startsWith("curl") && r.status() == 500).count();
    assertEquals(expected, index.query("curl", "500").size());
  }

  @Test
  void fourThreadsCountEveryRequest() throws Exception {
    Path log = dir.resolve("a.log");
    new AccessLogGenerator(42).write(log, 10_000);
    List<LogRecord> records = new LogParser().parse(log);
    HitCounter hits = new HitCounter();
    hits.countAll(records, 4);
    assertEquals(10_000, hits.total());
    long distinct = records.stream().map(r -> r.client() + '@' + r.epochSecond() / 60).distinct().count();
    assertEquals(distinct, hits.keys());
  }

  @Test
  void offHeapStagesTouchEveryPage() throws Exception {
    assertEquals(2048, OffHeapStages.touchMapped(dir.resolve("m.bin"), 8 << 20));
    assertEquals(8 << 20, Files.size(dir.resolve("m.bin")));
    // A report of 'a's fills every page start with 'a' (97).
    assertEquals(97L * 256, OffHeapStages.fillDirect(1 << 20, "a".repeat(4096)));
  }

  @Test
  void processFaultsAreCounted() {
    assertTrue(ProcessFaults.total() > 0);
  }
}
