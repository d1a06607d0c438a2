package io.memspan.bpf;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * {@code getrusage(RUSAGE_THREAD)} through JNA direct mapping (~350 ns a call: the syscall plus the
 * native transition), reading only the calling thread's fault counters.
 */
final class ThreadRusage {

  private static final int RUSAGE_THREAD = 1;

  // struct rusage on LP64 Linux: two struct timeval (16 bytes each), then 14 longs.
  static final int SIZE = 144;
  private static final int RU_MINFLT = 32 + 4 * 8;
  private static final int RU_MAJFLT = 32 + 5 * 8;

  static {
    Native.register(ThreadRusage.class, Platform.C_LIBRARY_NAME);
  }

  private ThreadRusage() {}

  private static native int getrusage(int who, Pointer usage);

  /** Whether this platform has the layout above (64-bit Linux). */
  static boolean supported() {
    return Platform.isLinux() && Platform.is64Bit();
  }

  /**
   * Minor plus major faults of the calling thread since it started, using {@code buffer} (at least
   * {@link #SIZE} bytes) as scratch. Every fault the kernel accounts to the thread counts, including
   * the ones it takes on the thread's behalf inside a syscall.
   */
  static long faults(Pointer buffer) {
    getrusage(RUSAGE_THREAD, buffer); // cannot fail for RUSAGE_THREAD with a valid buffer
    return buffer.getLong(RU_MINFLT) + buffer.getLong(RU_MAJFLT);
  }
}
