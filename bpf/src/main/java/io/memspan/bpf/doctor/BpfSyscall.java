package io.memspan.bpf.doctor;

import io.memspan.bpf.BpfMaps;
import io.memspan.bpf.ProcStatus;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Exercises {@code bpf(2)} directly ({@link BpfMaps}, no libbcc), with exactly the map kinds memspan
 * uses: a {@code BPF_F_MMAPABLE} array mapped into this process (the slots) and a ring buffer. A denial
 * here is the kernel's own answer, with its errno, rather than libbcc's NULL.
 */
final class BpfSyscall {

  static final String CHECK = "bpf() syscall";

  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int MAP_SHARED = 1;
  private static final int EPERM = 1;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  /** A multiple of every page size Linux uses (4, 16, 64 KiB): valid for both maps. */
  private static final int BYTES = 64 * 1024;

  interface Libc extends Library {
    Pointer mmap(Pointer addr, long len, int prot, int flags, int fd, long off);

    int munmap(Pointer addr, long len);

    int close(int fd);

    String strerror(int errnum);
  }

  private BpfSyscall() {}

  static Finding check(ProcStatus status, KernelRelease kernel) {
    if (BpfMaps.syscallNumber() < 0) {
      return Finding.warn(CHECK, "not checked on " + System.getProperty("os.name") + " "
          + System.getProperty("os.arch"));
    }
    Libc libc = Native.load(Platform.C_LIBRARY_NAME, Libc.class);

    int slots = BpfMaps.create(BpfMaps.BPF_MAP_TYPE_ARRAY, 4, 8, BYTES / 8, BpfMaps.BPF_F_MMAPABLE);
    if (slots < 0) {
      return denied(libc, -slots, "a BPF_F_MMAPABLE array", "5.5", status, kernel);
    }
    try {
      Pointer mapped = libc.mmap(null, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, slots, 0);
      if (mapped == null || Pointer.nativeValue(mapped) == -1L) {
        int errno = Native.getLastError();
        return Finding.fail(CHECK, "mmap of a BPF_F_MMAPABLE array failed: errno " + errno + " ("
            + libc.strerror(errno) + ")", "check for an LSM (SELinux, AppArmor) denying map_read/map_write");
      }
      libc.munmap(mapped, BYTES);
    } finally {
      libc.close(slots);
    }

    int ring = BpfMaps.create(BpfMaps.BPF_MAP_TYPE_RINGBUF, 0, 0, BYTES, 0);
    if (ring < 0) {
      return denied(libc, -ring, "a ring buffer", "5.8", status, kernel);
    }
    libc.close(ring);
    return Finding.ok(CHECK, "created and mapped a BPF_F_MMAPABLE array, created a ring buffer");
  }

  private static final Path LIMITS = Path.of("/proc/self/limits");

  /** This process's soft RLIMIT_MEMLOCK as /proc/self/limits shows it, for the message. */
  private static String memlock() {
    try {
      return memlockSoftLimit(Files.readString(LIMITS)).map(v -> "now " + v)
          .orElse("not shown in " + LIMITS);
    } catch (IOException e) {
      return "cannot read " + LIMITS;
    }
  }

  /** The soft limit of the {@code Max locked memory} row: a byte count or {@code unlimited}. */
  static Optional<String> memlockSoftLimit(String limits) {
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max locked memory")) {
        String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
        return Optional.of(f[0].equals("unlimited") ? "unlimited" : f[0] + " bytes");
      }
    }
    return Optional.empty();
  }

  private static Finding denied(Libc libc, int errno, String what, String sinceKernel,
      ProcStatus status, KernelRelease kernel) {
    String call = "bpf(BPF_MAP_CREATE) of " + what + " failed: errno " + errno + " ("
        + libc.strerror(errno) + ")";
    return switch (errno) {
      case EPERM -> !status.bpfCapable()
          ? Finding.fail(CHECK, call + ", no CAP_BPF", CapabilityCheck.GRANT)
          : status.seccompMode() == 2
              ? Finding.fail(CHECK, call + " under a seccomp filter (Seccomp: 2)",
                  "allow bpf() in the seccomp profile (docker run --security-opt seccomp=<profile"
                      + " allowing bpf>, Kubernetes securityContext.seccompProfile)")
              : !kernel.atLeast(5, 11)
                  ? Finding.fail(CHECK, call + " despite CAP_BPF: Linux " + kernel.text()
                      + " charges BPF maps to RLIMIT_MEMLOCK (" + memlock() + ")",
                      "raise the locked-memory limit: ulimit -l unlimited (systemd"
                          + " LimitMEMLOCK=infinity, docker run --ulimit memlock=-1:-1)")
              : Finding.fail(CHECK, call + " despite CAP_BPF",
                  "a security module or kernel lockdown denies bpf(): check dmesg and"
                      + " /sys/kernel/security/lockdown");
      case ENOSYS -> Finding.fail(CHECK, call, "use a kernel built with CONFIG_BPF_SYSCALL=y");
      case EINVAL -> Finding.fail(CHECK, call + " (kernel too old for it?)",
          "boot a Linux " + sinceKernel + " or newer kernel");
      default -> Finding.fail(CHECK, call, "see bpf(2) for errno " + errno + " on BPF_MAP_CREATE");
    };
  }
}
