package io.memspan.bpf.doctor;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProbeUnavailableException;

/** Compiles, loads and attaches the real program once, exactly as the agent would, then closes it. */
final class ProgramCheck {

  static final String CHECK = "program memspan.bpf.c";

  private ProgramCheck() {}

  static Finding check() {
    long start = System.nanoTime();
    try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults())) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      return Finding.ok(CHECK, "compiled, loaded and attached (" + probe.source() + ") in " + ms
          + " ms, then closed");
    } catch (ProbeUnavailableException e) {
      return Finding.fail(CHECK, "did not load (" + e.missing() + "): " + e.getMessage(),
          fixFor(e.missing()));
    } catch (RuntimeException | LinkageError e) {
      return Finding.fail(CHECK, "did not load: " + e,
          "re-run memspan doctor with the output above at hand; this is a memspan bug if every"
              + " check above says ok");
    }
  }

  private static String fixFor(ProbeUnavailableException.Missing missing) {
    return switch (missing) {
      case LIBBCC -> LibbccInstallation.INSTALL;
      case TRACEFS -> Tracefs.MOUNT_FIX;
      case KERNEL_HEADERS -> "install kernel headers as root: deploy/setup-host.sh";
      case CAPABILITY, BPF_SYSCALL, LOAD, ATTACH, MAP -> CapabilityCheck.GRANT;
      case TRACEPOINT -> "use a kernel with the syscalls and exceptions tracepoints (x86_64,"
          + " CONFIG_FTRACE_SYSCALLS=y)";
      case COMPILE -> "check the kernel headers (deploy/setup-host.sh) and the clang errors above";
    };
  }
}
