package io.memspan.bench.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The workload {@code memspan demo} runs under the agent: a log-analysis job written the way
 * such code usually is, with collections left at their default capacities. It parses a generated
 * access log into lists and per-endpoint maps, builds an inverted index, counts hits from four
 * threads into a ConcurrentHashMap, assembles a report in a StringBuilder, and stages data in a
 * direct buffer and a mapped file. Its output is deterministic.
 *
 * <p>usage: DemoWorkload [--lines N] [--rounds N]
 */
public final class DemoWorkload {

  static final int DEFAULT_LINES = 200_000;
  static final int DEFAULT_ROUNDS = 2;
  static final int DIRECT_BYTES = 64 << 20;
  static final int MAPPED_BYTES = 32 << 20;

  private DemoWorkload() {}

  public static void main(String[] args) throws Exception {
    int lines = DEFAULT_LINES;
    int rounds = DEFAULT_ROUNDS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--lines": lines = positive(args, ++i); break;
        case "--rounds": rounds = positive(args, ++i); break;
        default:
          System.err.println("demo workload: unknown argument '" + args[i]
              + "' (usage: DemoWorkload [--lines N] [--rounds N])");
          System.exit(2);
      }
    }
    Path dir = Files.createTempDirectory("memspan-demo-");
    try {
      run(dir, lines, rounds);
      // The summary reads this line to show coverage: attributed faults over all of them.
      System.out.println("process page faults: " + ProcessFaults.total());
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  static void run(Path dir, int lines, int rounds) throws Exception {
    Path log = dir.resolve("access.log");
    new AccessLogGenerator(42).write(log, lines);
    System.out.printf("demo workload: %d access-log lines, %d rounds%n", lines, rounds);
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      List<LogRecord> records = new LogParser().parse(log);
      EndpointStats stats = new EndpointStats();
      InvertedIndex index = new InvertedIndex();
      for (LogRecord r : records) {
        stats.add(r);
        index.add(r);
      }
      HitCounter hits = new HitCounter();
      hits.countAll(records, 4);
      int curl5xx = index.query("curl", "500").size() + index.query("curl", "503").size();
      String report = Report.render(round, stats, index, hits, curl5xx);
      long checksum = OffHeapStages.fillDirect(DIRECT_BYTES, report);
      long pages = OffHeapStages.touchMapped(dir.resolve("scratch-" + round + ".bin"), MAPPED_BYTES);
      System.out.printf("round %d: %d records, %d tokens, %d client-minutes, %d report chars,"
              + " direct checksum %d, %d mapped pages touched (%d ms)%n",
          round, records.size(), index.tokens(), hits.keys(), report.length(), checksum, pages,
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static int positive(String[] args, int i) {
    if (i >= args.length) {
      System.err.println("demo workload: " + args[i - 1] + " needs a number");
      System.exit(2);
    }
    try {
      int v = Integer.parseInt(args[i]);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    System.err.println("demo workload: " + args[i - 1] + " wants a positive whole number, not '"
        + args[i] + "'");
    System.exit(2);
    return 0;
  }
}
