package io.memspan.bench.ab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a JVM's CPU time went, by who spent it: a snapshot of every live thread's CPU time
 * ({@code /proc/self/task/<tid>/stat}, utime + stime) and of the whole process's
 * ({@code /proc/self/stat}, which keeps the time of threads that have ended). The difference of
 * two snapshots, per {@link Category}, shows whether a configuration's extra CPU is the
 * application's own threads (hooks, changed inlining), the JIT, the GC, or the agent's threads.
 * Resolution is the kernel's USER_HZ tick (10 ms here), the same for every configuration.
 */
public final class ThreadCpu {
  /** Who a thread works for, from its name (the kernel's 15-character {@code comm}). */
  public enum Category {
    APP, JIT, GC, AGENT, JVM, ENDED;

    static Category of(String comm) {
      if (comm.startsWith("memspan-") || comm.equals("JNA Cleaner")) {
        return AGENT;
      }
      if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")
          || comm.equals("Sweeper thread")) {
        return JIT;
      }
      if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
        return GC; // the VM thread runs the safepoint operations, GC pauses first among them
      }
      if (comm.equals("VM Periodic Tas") || comm.equals("Service Thread")
          || comm.equals("Monitor Deflati") || comm.equals("Signal Dispatch")
          || comm.equals("Reference Handl") || comm.equals("Finalizer")
          || comm.equals("Common-Cleaner") || comm.equals("Notification Thr")) {
        return JVM;
      }
      return APP;
    }
  }

  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

  private final Map<Integer, Long> threadNanos;
  private final Map<Integer, Category> categories;
  private final long processNanos;

  private ThreadCpu(Map<Integer, Long> threadNanos, Map<Integer, Category> categories,
      long processNanos) {
    this.threadNanos = threadNanos;
    this.categories = categories;
    this.processNanos = processNanos;
  }

  public static ThreadCpu now() {
    Map<Integer, Long> nanos = new HashMap<>();
    Map<Integer, Category> cats = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          int tid = Integer.parseInt(task.getFileName().toString());
          nanos.put(tid, ticks(Files.readString(task.resolve("stat"))) * NANOS_PER_TICK);
          cats.put(tid, Category.of(Files.readString(task.resolve("comm")).strip()));
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the read: its time is the process's
        }
      }
      long process = ticks(Files.readString(Path.of("/proc/self/stat"))) * NANOS_PER_TICK;
      return new ThreadCpu(nanos, cats, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime + stime of a {@code stat} line: fields 14 and 15, counted after the {@code (comm)}. */
  static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * CPU nanoseconds per category from {@code this} to {@code later}. A thread that started in
   * between counts from zero; time of threads that ended in between (and the part of a thread's
   * time the kernel has moved to the process on exit) is {@link Category#ENDED}: the process's
   * total less everything attributed.
   */
  public Map<Category, Long> until(ThreadCpu later) {
    Map<Category, Long> out = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      out.put(c, 0L);
    }
    long attributed = 0;
    for (Map.Entry<Integer, Long> e : later.threadNanos.entrySet()) {
      long d = e.getValue() - threadNanos.getOrDefault(e.getKey(), 0L);
      out.merge(later.categories.get(e.getKey()), d, Long::sum);
      attributed += d;
    }
    out.put(Category.ENDED, Math.max(0, (later.processNanos - processNanos) - attributed));
    return out;
  }

  /** One line the parent reads back: {@code memspan-ab cpu APP=<ns> JIT=<ns> ...}. */
  public static String format(Map<Category, Long> nanos) {
    StringBuilder sb = new StringBuilder(LINE_PREFIX.strip());
    nanos.forEach((c, n) -> sb.append(' ').append(c.name()).append('=').append(n));
    return sb.toString();
  }

  /** The categories of a line {@link #format} wrote, or null when the line is something else. */
  public static Map<Category, Long> parse(String line) {
    if (!line.startsWith(LINE_PREFIX)) {
      return null;
    }
    Map<Category, Long> out = new EnumMap<>(Category.class);
    for (String kv : line.substring(LINE_PREFIX.length()).trim().split(" ")) {
      String[] p = kv.split("=", 2);
      if (p.length != 2) {
        throw new IllegalArgumentException("malformed cpu line: " + line);
      }
      out.put(Category.valueOf(p[0].toUpperCase(Locale.ROOT)), Long.parseLong(p[1]));
    }
    return out;
  }

  static final String LINE_PREFIX = "memspan-ab cpu ";
}
