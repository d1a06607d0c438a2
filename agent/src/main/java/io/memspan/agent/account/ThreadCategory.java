package io.memspan.agent.account;

import java.util.Locale;

/**
 * Who a thread is, from its kernel name ({@code /proc/self/task/<tid>/comm}, the Java thread name
 * cut to 15 bytes): what share of the process's faults happened in GC, the JIT, or application
 * code outside any armed op.
 */
public enum ThreadCategory {
  APPLICATION_OPS("application_ops"),
  APPLICATION_OUTSIDE_OPS("application_outside_ops"),
  GC("gc"),
  JIT("jit"),
  OTHER("other");

  private final String label;

  ThreadCategory(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  private static final String[] GC_PREFIXES = {
    "gc thread", "gc ", "g1 ", "g1refine", "g1 refine", "g1 conc", "g1 main", "g1 service",
    "zworker", "zdirector", "zdriver", "zunmapper", "zstat", "shenandoah", "pargc", "vm thread",
    "conc#", "concurrent gc"};
  private static final String[] JIT_PREFIXES = {"c1 compiler", "c2 compiler", "jvmci", "compiler"};
  private static final String[] JVM_PREFIXES = {
    "vm periodic", "reference handl", "finalizer", "signal dispatch", "service thread",
    "monitor deflati", "common-cleaner", "notification th", "attach listener", "sweeper",
    "memspan", "process reaper", "jfr "};

  /** Category of a thread that was not inside an armed op, by its kernel name. */
  public static ThreadCategory ofIdleThread(String comm) {
    String c = comm == null ? "" : comm.toLowerCase(Locale.ROOT).trim();
    if (c.isEmpty()) {
      return OTHER;
    }
    for (String p : GC_PREFIXES) {
      if (c.startsWith(p)) {
        return GC;
      }
    }
    for (String p : JIT_PREFIXES) {
      if (c.startsWith(p)) {
        return JIT;
      }
    }
    for (String p : JVM_PREFIXES) {
      if (c.startsWith(p)) {
        return OTHER;
      }
    }
    return APPLICATION_OUTSIDE_OPS;
  }
}
