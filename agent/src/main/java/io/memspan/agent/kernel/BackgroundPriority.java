package io.memspan.agent.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.memspan.bpf.LibrarySearchPath;

/**
 * Puts the calling thread at the lowest CPU priority Linux gives an unprivileged thread, for work
 * that should not compete with the application: libbcc's LLVM compile of the eBPF program costs
 * ~1 s of CPU at start, on hosts that may have two cores.
 *
 * <p>{@code SCHED_IDLE} first (runs only when nothing else wants the CPU, weight 3 against 1,024
 * for a default thread), else nice 19. Threads the lowered thread creates inherit the policy
 * ({@code SCHED_RESET_ON_FORK} resets only real-time policies and negative nice values), so it
 * must not start anything that has to stay prompt. Failure changes nothing and is not reported.
 *
 * <p>Bounded: an application that keeps every core busy would starve the work for as long as it
 * runs (measured: a CPU-bound test program exited before the probe was ready). So a deadline
 * thread, started before the priority drops, puts the thread back to normal priority after a grace
 * period unless {@link Lowered#close()} came first, which restores it too. Raising needs
 * {@code CAP_SYS_NICE}, which a root agent (the usual in-process eBPF case) has; without it the
 * thread stays low.
 */
public final class BackgroundPriority {
  /** What the calling thread got. */
  public enum Level { SCHED_IDLE, NICE_19, UNCHANGED }

  static final int SCHED_OTHER_POLICY = 0; // <linux/sched.h>
  static final int SCHED_BATCH_POLICY = 3;
  static final int SCHED_IDLE_POLICY = 5;
  static final int PRIO_PROCESS = 0; // per thread on Linux: who = a tid, or 0 for the caller
  static final int LOWEST_NICE = 19;

  private BackgroundPriority() {}

  /** The calling thread lowered until {@link #close()} or the deadline, whichever comes first. */
  public static final class Lowered implements AutoCloseable {
    public final Level level;
    private final Thread deadline;
    private final int policy;
    private final int nice;

    Lowered(Level level, Thread deadline) {
      this(level, deadline, SCHED_OTHER_POLICY, 0);
    }

    Lowered(Level level, Thread deadline, int policy, int nice) {
      this.level = level;
      this.deadline = deadline;
      this.policy = policy;
      this.nice = nice;
    }

    Thread deadline() {
      return deadline;
    }

    /**
     * Called by the lowered thread when the work is done: the deadline will not touch it (nor its
     * tid, once reused), and it goes back to its priority itself if allowed, so that what it
     * does next (taking locks the application or the shutdown hook may want) is not starved.
     */
    @Override
    public void close() {
      if (deadline != null) {
        deadline.interrupt();
        restore(0, policy, nice);
      }
    }
  }

  /** Nothing lowered: for work too small to be worth binding libc (loading JNA) for. */
  public static Lowered unchanged() {
    return new Lowered(Level.UNCHANGED, null);
  }

  /** Lowers the calling thread for at most {@code graceMillis}; never throws. */
  public static Lowered lowerCurrentThreadFor(long graceMillis) {
    Thread deadline = null;
    try {
      int tid = Libc.gettid();
      // Back to where the thread was, not to nice 0: in a JVM started with `nice`, nice 0 would
      // put memspan's thread above the application's.
      int policy = Libc.sched_getscheduler(0);
      int nice = Libc.getpriority(PRIO_PROCESS, 0);
      if (policy != SCHED_OTHER_POLICY && policy != SCHED_BATCH_POLICY) {
        return new Lowered(Level.UNCHANGED, null); // idle already, or real-time: left alone
      }
      // created before the priority drops, so it does not inherit it
      deadline = new Thread(() -> {
        try {
          Thread.sleep(graceMillis);
        } catch (InterruptedException done) {
          return;
        }
        restore(tid, policy, nice);
      }, "memspan-compile-deadline");
      deadline.setDaemon(true);
      deadline.start();
      Level level = lowerCurrentThread();
      return new Lowered(level, deadline, policy, nice);
    } catch (Throwable e) {
      if (deadline != null) {
        deadline.interrupt();
      }
      return new Lowered(Level.UNCHANGED, null); // no deadline: rather normal than starving
    }
  }

  /** Lowers the calling thread for good (it cannot raise itself again unprivileged). */
  public static Level lowerCurrentThread() {
    try {
      if (Libc.sched_setscheduler(0, SCHED_IDLE_POLICY, new int[] {0}) == 0) {
        return Level.SCHED_IDLE;
      }
      if (Libc.setpriority(PRIO_PROCESS, 0, LOWEST_NICE) == 0) {
        return Level.NICE_19;
      }
    } catch (Throwable e) {
      // no JNA, no libc, a seccomp filter: the work runs at normal priority
    }
    return Level.UNCHANGED;
  }

  /** Back to {@code policy} and {@code nice}: {@code tid}, or the calling thread for 0. */
  private static void restore(int tid, int policy, int nice) {
    try {
      Libc.sched_setscheduler(tid, policy, new int[] {0});
      Libc.setpriority(PRIO_PROCESS, tid, nice);
    } catch (Throwable e) {
      // not permitted: the thread finishes at low priority
    }
  }

  /** libc, bound with JNA direct mapping; {@code sched_param} is one int. */
  private static final class Libc {
    static {
      LibrarySearchPath.initJna(); // memspan's first use of JNA: without JNA's ldconfig child
      Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int gettid();

    static native int sched_setscheduler(int pid, int policy, int[] param);

    static native int setpriority(int which, int who, int prio);

    static native int sched_getscheduler(int pid);

    /** The nice value (glibc converts the raw syscall's 20 - nice); -1 is also the error. */
    static native int getpriority(int which, int who);
  }
}
