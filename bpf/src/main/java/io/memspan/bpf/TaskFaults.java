package io.memspan.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-thread fault counts from {@code /proc/self/task/<tid>/stat}: the same {@code min_flt} and
 * {@code maj_flt} counters that {@code getrusage(RUSAGE_THREAD)} reports, readable for every thread
 * of the process (GC and JIT threads included) without running on that thread.
 */
final class TaskFaults {

  /** One thread: its tid, its start time (clock ticks since boot: tells a reused tid apart) and faults. */
  record TaskStat(int tid, long startTime, long faults) {}

  private static final Path TASKS = Path.of("/proc/self/task");
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  // Field numbers as in proc(5), counted from 1; fields after the parenthesised comm start at 3.
  private static final int FIELD_MINFLT = 10;
  private static final int FIELD_MAJFLT = 12;
  private static final int FIELD_STARTTIME = 22;

  private TaskFaults() {}

  /** The calling thread's stat. */
  static TaskStat currentThread() throws IOException {
    String link = Files.readSymbolicLink(THREAD_SELF).toString(); // "<pid>/task/<tid>"
    int tid = Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    return parse(tid, read(THREAD_SELF.resolve("stat")));
  }

  /** Every live thread of this process; threads that exit while being listed are left out. */
  static List<TaskStat> allThreads() throws IOException {
    List<TaskStat> out = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        int tid;
        try {
          tid = Integer.parseInt(task.getFileName().toString());
        } catch (NumberFormatException notATask) {
          continue;
        }
        try {
          out.add(parse(tid, read(task.resolve("stat"))));
        } catch (IOException exited) {
          // the thread ended between listing and reading: nothing left to count
        }
      }
    }
    return out;
  }

  /**
   * Parses one {@code stat} line. The comm field may contain spaces and parentheses, so fields are
   * counted from the last {@code ')'}.
   */
  static TaskStat parse(int tid, String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    String[] f = stat.substring(close + 1).trim().split(" +");
    long minflt = Long.parseLong(f[FIELD_MINFLT - 3]);
    long majflt = Long.parseLong(f[FIELD_MAJFLT - 3]);
    long start = Long.parseLong(f[FIELD_STARTTIME - 3]);
    return new TaskStat(tid, start, minflt + majflt);
  }

  private static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
  }
}
