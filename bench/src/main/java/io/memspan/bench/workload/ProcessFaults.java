package io.memspan.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole process's page faults so far (minor + major, every thread) from /proc/self/stat, so
 * the demo's summary can say what share of them memspan attributed to operations.
 */
final class ProcessFaults {

  private ProcessFaults() {}

  /** -1 when /proc is not there (not Linux). */
  static long total() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which may itself contain spaces and parentheses.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(f[7]) + Long.parseLong(f[9]); // minflt (field 10), majflt (field 12)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
