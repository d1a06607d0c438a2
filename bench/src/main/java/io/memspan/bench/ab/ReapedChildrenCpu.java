package io.memspan.bench.ab;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * User + system CPU time of every child this JVM has reaped, from
 * {@code getrusage(RUSAGE_CHILDREN)} (microsecond resolution). The difference across one child's
 * start and {@link Process#waitFor()} is that child's whole CPU time, JVM start and exit included,
 * which no figure the child prints about itself can cover. Children must run one at a time.
 */
final class ReapedChildrenCpu {
  private static final int RUSAGE_CHILDREN = -1;
  // struct rusage on LP64 Linux: ru_utime and ru_stime, each a struct timeval {long sec; long usec}.
  private static final int SIZE = 144;

  static {
    if (!Platform.isLinux() || !Platform.is64Bit()) {
      throw new ExceptionInInitializerError("getrusage layout known for 64-bit Linux only");
    }
    Native.register(ReapedChildrenCpu.class, Platform.C_LIBRARY_NAME);
  }

  private ReapedChildrenCpu() {}

  private static native int getrusage(int who, Pointer usage);

  static long nanos() {
    try (Memory ru = new Memory(SIZE)) {
      if (getrusage(RUSAGE_CHILDREN, ru) != 0) {
        throw new IllegalStateException("getrusage(RUSAGE_CHILDREN) failed: errno "
            + Native.getLastError());
      }
      long micros = (ru.getLong(0) + ru.getLong(16)) * 1_000_000 + ru.getLong(8) + ru.getLong(24);
      return micros * 1_000;
    }
  }
}
