package io.memspan.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * A private anonymous mapping made with libc's mmap, with transparent huge pages switched off so
 * that touching it once per 4 KiB page takes exactly one fault per page.
 */
public final class AnonymousPages implements AutoCloseable {

  public static final long MIB_64 = 64L << 20;
  public static final int PAGE = 4096;
  public static final long PAGES_64_MIB = MIB_64 / PAGE; // 16384

  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int MAP_PRIVATE = 0x02;
  private static final int MAP_ANONYMOUS = 0x20;
  private static final int MADV_NOHUGEPAGE = 15;

  interface Libc extends Library {
    Libc INSTANCE = Native.load(Platform.C_LIBRARY_NAME, Libc.class);

    Pointer mmap(Pointer addr, long len, int prot, int flags, int fd, long off);

    int munmap(Pointer addr, long len);

    int madvise(Pointer addr, long len, int advice);
  }

  private final Pointer base;
  private final long length;

  private AnonymousPages(Pointer base, long length) {
    this.base = base;
    this.length = length;
  }

  /** Maps {@code length} bytes read-write, untouched (no page is faulted in yet). */
  public static AnonymousPages map(long length) {
    Pointer p = Libc.INSTANCE.mmap(null, length, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == null || Pointer.nativeValue(p) == -1L) {
      throw new IllegalStateException("mmap failed, errno " + Native.getLastError());
    }
    if (Libc.INSTANCE.madvise(p, length, MADV_NOHUGEPAGE) != 0) {
      throw new IllegalStateException("madvise(MADV_NOHUGEPAGE) failed, errno " + Native.getLastError());
    }
    return new AnonymousPages(p, length);
  }

  public long address() {
    return Pointer.nativeValue(base);
  }

  /** Writes one byte per page: each write faults one fresh page in. */
  public void touchEveryPage() {
    for (long off = 0; off < length; off += PAGE) {
      base.setByte(off, (byte) 1);
    }
  }

  @Override
  public void close() {
    Libc.INSTANCE.munmap(base, length);
  }
}
