package io.memspan.bench.bpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** The raw memory syscalls the benchmarks generate, bound by JNA direct mapping. */
final class Syscalls {
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_PRIVATE = 2;
  static final int MAP_ANONYMOUS = 0x20;
  static final int MADV_NOHUGEPAGE = 15;

  static {
    Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  private Syscalls() {}

  static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

  static native int munmap(long addr, long length);

  static native int madvise(long addr, long length, int advice);

  static native int malloc_trim(long pad);

  /** An anonymous mapping without transparent huge pages: one fault per 4 KiB page touched. */
  static long mapAnonymous(long length) {
    long p = mmap(0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == -1) {
      throw new IllegalStateException("mmap failed: errno " + Native.getLastError());
    }
    madvise(p, length, MADV_NOHUGEPAGE);
    return p;
  }
}
