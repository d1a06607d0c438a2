package io.memspan.agent.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Puts the calling thread at the lowest CPU priority Linux gives an unprivileged thread, for work
 * that must not compete with the application: libbcc's LLVM compile of the eBPF program costs
 * ~1 s of CPU at start, on hosts that may have two cores.
 *
 * <p>{@code SCHED_IDLE} first (runs only when nothing else wants the CPU, weight 3 against 1,024
 * for a default thread), else nice 19. There is no way back for an unprivileged thread (leaving
 * {@code SCHED_IDLE} or lowering nice needs {@code RLIMIT_NICE} or {@code CAP_SYS_NICE}), so use
 * it only on a thread that ends after the work. Threads that thread creates inherit the policy
 * ({@code SCHED_RESET_ON_FORK} resets only real-time policies and negative nice values), so it
 * must not start anything that has to stay prompt. Failure changes nothing and is not reported:
 * the work then runs at normal priority, as before.
 */
public final class BackgroundPriority {
  /** What the calling thread got. */
  public enum Level { SCHED_IDLE, NICE_19, UNCHANGED }

  static final int SCHED_IDLE_POLICY = 5; // <linux/sched.h>
  static final int PRIO_PROCESS = 0; // with who = 0: the calling thread, on Linux
  static final int LOWEST_NICE = 19;

  private BackgroundPriority() {}

  public static Level lowerCurrentThread() {
    try {
      if (Libc.sched_setscheduler(0, SCHED_IDLE_POLICY, new int[] {0}) == 0) {
        return Level.SCHED_IDLE;
      }
      if (Libc.setpriority(PRIO_PROCESS, 0, LOWEST_NICE) == 0) {
        return Level.NICE_19;
      }
    } catch (Throwable e) {
      // no JNA, no libc, a seccomp filter: the compile runs at normal priority
    }
    return Level.UNCHANGED;
  }

  /** libc, bound with JNA direct mapping; {@code sched_param} is one int. */
  private static final class Libc {
    static {
      Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int sched_setscheduler(int pid, int policy, int[] param);

    static native int setpriority(int which, int who, int prio);
  }
}
