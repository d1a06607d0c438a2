package io.memspan.bench.ab;

import java.util.Locale;

/**
 * One iteration of a workload as the child JVM reports it on stdout and the A/B runner reads it
 * back: its phase, elapsed wall time, the CPU time the whole child process took meanwhile (every
 * thread: the agent's too, which a user pays for), and the result's checksum.
 *
 * @param phase {@link #COLD} for the first run in a fresh JVM, {@link #WARMUP} for runs that are
 *     neither, {@link #STEADY} for the runs the steady-state figures come from
 */
public record IterationLine(String phase, long wallNanos, long cpuNanos, String checksum) {
  public static final String COLD = "cold";
  public static final String WARMUP = "warmup";
  public static final String STEADY = "steady";
  private static final String PREFIX = "memspan-ab iteration ";

  public IterationLine {
    if (!phase.equals(COLD) && !phase.equals(WARMUP) && !phase.equals(STEADY)) {
      throw new IllegalArgumentException("unknown phase '" + phase + "'");
    }
  }

  public String format() {
    return String.format(Locale.ROOT, "%s%s %d %d %s", PREFIX, phase, wallNanos, cpuNanos, checksum);
  }

  /** The iteration a line reports, or null when the line is something else (the agent's own). */
  public static IterationLine parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    String[] f = line.substring(PREFIX.length()).trim().split(" ");
    if (f.length != 4) {
      throw new IllegalArgumentException("malformed iteration line: " + line);
    }
    return new IterationLine(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]);
  }
}
