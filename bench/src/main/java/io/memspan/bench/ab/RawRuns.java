package io.memspan.bench.ab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A session's raw runs as a tab-separated file, written as the session goes (so an interrupted
 * session keeps what it measured) and read back to report again: {@code # key: value} header
 * lines (workloads, modes and how the session ran), then one line per child run.
 */
public final class RawRuns {
  static final String WORKLOADS = "workloads";
  static final String MODES = "modes";
  private static final String COLUMNS =
      "round\tslot\tworkload\tmode\tprocess_wall_ns\tprocess_cpu_ns\tload1\titerations";

  private RawRuns() {}

  /** A session file: its header values and runs. */
  public record Session(Map<String, String> header, List<ChildRun> runs) {
    public List<String> workloads() {
      return Arrays.asList(header.get(WORKLOADS).split("\\|"));
    }

    public List<String> modes() {
      return Arrays.asList(header.get(MODES).split("\\|"));
    }
  }

  /** Starts a file with its header ({@link #WORKLOADS} and {@link #MODES} lists joined by '|'). */
  static void create(Path file, Map<String, String> header) throws IOException {
    StringBuilder s = new StringBuilder("# memspan whole-workload A/B raw runs\n");
    header.forEach((k, v) -> s.append("# ").append(k).append(": ").append(v).append('\n'));
    s.append(COLUMNS).append('\n');
    Files.writeString(file, s);
  }

  static void append(Path file, ChildRun r) throws IOException {
    StringBuilder it = new StringBuilder();
    for (IterationLine i : r.iterations()) {
      it.append(it.length() == 0 ? "" : ",").append(i.phase()).append(':').append(i.wallNanos())
          .append(':').append(i.cpuNanos()).append(':').append(i.checksum());
    }
    Files.writeString(file, String.format(Locale.ROOT, "%d\t%d\t%s\t%s\t%d\t%d\t%.2f\t%s%n",
        r.round(), r.slot(), r.workload(), r.mode(), r.processWallNanos(), r.processCpuNanos(),
        r.load1(), it), java.nio.file.StandardOpenOption.APPEND);
  }

  public static Session read(Path file) throws IOException {
    Map<String, String> header = new LinkedHashMap<>();
    List<ChildRun> runs = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      if (line.startsWith("# ")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          header.put(line.substring(2, colon), line.substring(colon + 2));
        }
      } else if (!line.isBlank() && !line.equals(COLUMNS)) {
        runs.add(parse(file, n, line));
      }
    }
    if (!header.containsKey(WORKLOADS) || !header.containsKey(MODES)) {
      throw new IllegalArgumentException(file + ": not an A/B session file (no '# "
          + WORKLOADS + ":' and '# " + MODES + ":' header lines)");
    }
    return new Session(header, runs);
  }

  private static ChildRun parse(Path file, int n, String line) {
    try {
      String[] f = line.split("\t");
      if (f.length != 8) {
        throw new IllegalArgumentException("expected 8 tab-separated fields, got " + f.length);
      }
      List<IterationLine> its = new ArrayList<>();
      for (String i : f[7].split(",")) {
        String[] p = i.split(":");
        if (p.length != 4) {
          throw new IllegalArgumentException("iteration '" + i + "' is not phase:wall:cpu:checksum");
        }
        its.add(new IterationLine(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]), p[3]));
      }
      return new ChildRun(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f[3],
          Long.parseLong(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6]), its);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage(), e);
    }
  }
}
