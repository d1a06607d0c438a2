package io.memspan.bpf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Checks, before compiling, what libbcc would otherwise report as NULL with errno 0 after a wall of
 * clang errors: libbcc itself, tracefs and each tracepoint's format, kernel headers, capabilities
 * and the bpf() syscall. Each failure names the missing piece and its fix.
 */
final class BccPreflight {
  /** Where bcc looks for tracefs, newest convention first (the doctor checks the same). */
  static final List<Path> TRACEFS_MOUNTS =
      List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

  private BccPreflight() {}

  static LibBcc libbcc() throws ProbeUnavailableException {
    try {
      return LibBcc.load();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.LIBBCC,
          "libbcc (" + LibBcc.SONAME + ") not found: run deploy/setup-host.sh as root"
              + " (installs libbpfcc and kernel headers)", e);
    }
  }

  /** The tracefs mount whose format files BCC reads; every tracepoint must be present. */
  static Path tracefs() throws ProbeUnavailableException {
    Path root = null;
    for (Path p : TRACEFS_MOUNTS) {
      // stat, not isDirectory: "permission denied" (0700 tracefs, no CAP_DAC_READ_SEARCH) is not
      // "not mounted".
      try {
        if (Files.readAttributes(p.resolve("events"), BasicFileAttributes.class).isDirectory()) {
          root = p;
          break;
        }
      } catch (AccessDeniedException e) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.CAPABILITY,
            "cannot read tracefs at " + p + " (permission denied, CAP_DAC_READ_SEARCH): "
                + ProcStatus.GRANT, e);
      } catch (IOException notMountedHere) {
        // try the next mount point
      }
    }
    if (root == null) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.TRACEFS,
          "tracefs is not mounted at /sys/kernel/tracing: run deploy/setup-host.sh as root"
              + " (or: mount -t tracefs nodev /sys/kernel/tracing)");
    }
    for (Tracepoint tp : Tracepoint.ALL) {
      Path format = root.resolve(tp.formatPath());
      // Opened, not Files.exists(): that is access(2), which ignores capabilities for non-root
      // users, so it calls the file missing for a user that reads it with CAP_DAC_READ_SEARCH.
      try {
        Files.readAllBytes(format);
      } catch (NoSuchFileException e) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.TRACEPOINT,
            "tracepoint " + tp + " does not exist on this kernel (" + format + " missing)");
      } catch (IOException e) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.CAPABILITY,
            "cannot read " + format + " (" + e.getMessage() + ", CAP_DAC_READ_SEARCH): "
                + ProcStatus.GRANT, e);
      }
    }
    return root;
  }

  static void kernelHeaders() throws ProbeUnavailableException {
    kernelHeaders(KernelHeaderSource.MODULES, KernelHeaderSource.KHEADERS, kernelRelease());
  }

  static void kernelHeaders(Path modules, Path kheaders, String release)
      throws ProbeUnavailableException {
    if (KernelHeaderSource.find(modules, kheaders, release) == null) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.KERNEL_HEADERS,
          "kernel headers for " + release + " not found (neither "
              + KernelHeaderSource.buildDir(modules, release) + "/include nor "
              + kheaders + "): run deploy/setup-host.sh as root (installs"
              + " linux-headers and links them), or load the kheaders module: modprobe kheaders");
    }
  }

  /**
   * Root, or CAP_BPF + CAP_PERFMON (CAP_SYS_ADMIN covers both): {@link ProcStatus}'s rule, as the
   * doctor applies it. CAP_DAC_READ_SEARCH is left to {@link #tracefs()}, which reads the files.
   */
  static void capabilities() throws ProbeUnavailableException {
    ProcStatus status;
    try {
      status = ProcStatus.current();
    } catch (IOException | IllegalArgumentException e) {
      status = new ProcStatus(-1, 0, 0); // unreadable: report every capability missing
    }
    List<String> missing = status.missingCapabilities(true);
    if (!missing.isEmpty()) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.CAPABILITY,
          "missing capability " + String.join(" and ", missing) + ": " + ProcStatus.GRANT);
    }
  }

  /** Creates and closes a one-element array map: proves the bpf() syscall works for us. */
  static void bpfSyscall() throws ProbeUnavailableException {
    int fd = BpfMaps.create(BpfMaps.BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
    if (fd < 0) {
      int errno = -fd;
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.BPF_SYSCALL,
          "the bpf() syscall refused to create a map: " + LibC.strerror(errno) + " (errno "
              + errno + ")" + (errno == 1 ? ": needs CAP_BPF (or root); check"
              + " /proc/sys/kernel/unprivileged_bpf_disabled and seccomp/container policy" : ""));
    }
    LibC.close(fd);
  }

  static String kernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    } catch (IOException e) {
      return System.getProperty("os.version");
    }
  }
}
