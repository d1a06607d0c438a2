package io.memspan.bpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** The libc calls memspan needs, bound with JNA direct mapping (cheapest call path). */
final class LibC {
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final int MAP_PRIVATE = 2;
  static final int MAP_FIXED = 0x10;
  static final int MAP_ANONYMOUS = 0x20;
  static final long MAP_FAILED = -1L;

  static {
    Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  private LibC() {}

  static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  static native int munmap(Pointer addr, long length);

  static native int close(int fd);

  static native int dup(int fd);

  static native int dup2(int oldFd, int newFd);

  static native int gettid();

  static native int getpagesize();

  static native int malloc_trim(long pad);

  static native int memfd_create(String name, int flags);

  static native String strerror(int errnum);

  static native int epoll_create1(int flags);

  static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

  static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

  static native int eventfd(int initval, int flags);

  static native long write(int fd, Pointer buf, long count);

  /** Maps {@code length} bytes of {@code fd} at {@code offset}; throws with errno on failure. */
  static Pointer map(int fd, long length, int prot, long offset, String what) {
    Pointer p = mmap(null, length, prot, MAP_SHARED, fd, offset);
    if (p == null || Pointer.nativeValue(p) == MAP_FAILED) {
      int errno = Native.getLastError();
      throw new IllegalStateException("mmap of " + what + " (" + length + " bytes) failed: "
          + strerror(errno) + " (errno " + errno + ")");
    }
    return p;
  }

  static String lastError() {
    int errno = Native.getLastError();
    return strerror(errno) + " (errno " + errno + ")";
  }
}
