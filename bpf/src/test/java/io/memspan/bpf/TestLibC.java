package io.memspan.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The memory syscalls tests make directly, so that each test knows their exact arguments. */
interface TestLibC extends Library {
  TestLibC INSTANCE = Native.load("c", TestLibC.class);

  int PROT_READ = 1;
  int PROT_WRITE = 2;
  int MAP_PRIVATE = 2;
  int MAP_ANONYMOUS = 0x20;
  int MREMAP_MAYMOVE = 1;
  int MADV_DONTNEED = 4;
  int MADV_NOHUGEPAGE = 15;
  long SYS_BRK = 12;
  long PAGE = 4096;
  int PR_SET_THP_DISABLE = 41;

  Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  int munmap(Pointer addr, long length);

  Pointer mremap(Pointer oldAddr, long oldSize, long newSize, int flags);

  int madvise(Pointer addr, long length, int advice);

  long syscall(long number, Object... args);

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  /** An anonymous private read-write mapping, without transparent huge pages (so 4 KiB faults). */
  static Pointer mapAnonymous(long length) {
    Pointer p = INSTANCE.mmap(null, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
        -1, 0);
    if (Pointer.nativeValue(p) == -1L) {
      throw new IllegalStateException("mmap failed: errno " + Native.getLastError());
    }
    return p;
  }

  /** Writes one byte per 4 KiB page: one user fault per page on a fresh mapping. */
  static void touch(Pointer p, long length) {
    for (long off = 0; off < length; off += PAGE) {
      p.setByte(off, (byte) 1);
    }
  }

  /**
   * What the attribution tests measure: one mmap, one madvise(MADV_NOHUGEPAGE) so that pages
   * fault 4 KiB at a time, then one write per page, i.e. one user fault per page.
   */
  static Pointer mapAndTouch(long length) {
    Pointer p = mapAnonymous(length);
    INSTANCE.madvise(p, length, MADV_NOHUGEPAGE);
    touch(p, length);
    return p;
  }

  /**
   * {@link #mapAndTouch} then munmap. Run once unarmed before a measured op, it warms up the path:
   * JNA links its native calls and the JIT compiles the loop outside the op.
   */
  static void mapTouchAndUnmap(long length) {
    INSTANCE.munmap(mapAndTouch(length), length);
  }
}
