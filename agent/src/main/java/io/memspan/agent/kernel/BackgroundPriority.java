package io.memspan.agent.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

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
  static final int SCHED_IDLE_POLICY = 5;
  static final int PRIO_PROCESS = 0; // per thread on Linux: who = a tid, or 0 for the caller
  static final int LOWEST_NICE = 19;

  private BackgroundPriority() {}

  /** The calling thread lowered until {@link #close()} or the deadline, whichever comes first. */
  public static final class Lowered implements AutoCloseable {
    public final Level level;
    private final Thread deadline;

    Lowered(Level level, Thread deadline) {
      this.level = level;
      this.deadline = deadline;
    }

    Thread deadline() {
      return deadline;
    }

    /**
     * Called by the lowered thread when the work is done: the deadline will not touch it (nor its
     * tid, once reused), and it goes back to normal priority itself if allowed, so that what it
     * does next (taking locks the application or the shutdown hook may want) is not starved.
     */
    @Override
    public void close() {
      if (deadline != null) {
        deadline.interrupt();
        restore(0);
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
      // created before the priority drops, so it does not inherit it
      deadline = new Thread(() -> {
        try {
          Thread.sleep(graceMillis);
        } catch (InterruptedException done) {
          return;
        }
        restore(tid);
      }, "memspan-compile-deadline");
      deadline.setDaemon(true);
      deadline.start();
    } catch (Throwable e) {
      return new Lowered(Level.UNCHANGED, null); // no deadline: rather normal than starving
    }
    Level level = lowerCurrentThread();
    return new Lowered(level, deadline);
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

  /** Back to SCHED_OTHER, nice 0: {@code tid}, or the calling thread for 0. */
  private static void restore(int tid) {
    try {
      Libc.sched_setscheduler(tid, SCHED_OTHER_POLICY, new int[] {0});
      Libc.setpriority(PRIO_PROCESS, tid, 0);
    } catch (Throwable e) {
      // not permitted: the thread finishes at low priority
    }
  }

  /** libc, bound with JNA direct mapping; {@code sched_param} is one int. */
  private static final class Libc {
    static {
      Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int gettid();

    static native int sched_setscheduler(int pid, int policy, int[] param);

    static native int setpriority(int which, int who, int prio);
  }
}
