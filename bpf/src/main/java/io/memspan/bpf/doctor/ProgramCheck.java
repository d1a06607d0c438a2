package io.memspan.bpf.doctor;

import io.memspan.bpf.BccProbe;
import io.memspan.bpf.LoadReport;
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
      LoadReport report = ((BccProbe) probe).loadReport();
      return Finding.ok(CHECK, describe(report, probe.source(), ms));
    } catch (ProbeUnavailableException e) {
      return Finding.fail(CHECK, "did not load (" + e.missing() + "): " + e.getMessage(),
          fixFor(e.missing()));
    } catch (RuntimeException | LinkageError e) {
      return Finding.fail(CHECK, "did not load: " + e,
          "re-run memspan doctor with the output above at hand; this is a memspan bug if every"
              + " check above says ok");
    }
  }

  /**
   * E.g. {@code loaded from the compile cache and attached (bcc) in 40 ms, then closed; compile
   * cache /var/cache/memspan/bpf: hit}: the agent's probe, loaded with the same defaults, hits the
   * same cache.
   */
  static String describe(LoadReport report, String source, long ms) {
    String how = report.origin() == LoadReport.Origin.CACHED
        ? "loaded from the compile cache and attached" : "compiled, loaded and attached";
    return how + " (" + source + ") in " + ms + " ms, then closed; compile cache "
        + (report.cacheDir() == null ? "off" : report.cacheDir() + ": " + report.cache());
  }

  static final String LOAD_FIX = "the kernel's verifier rejected the program although the"
      + " capabilities are granted: report it with the verifier log above, `uname -r` and the"
      + " libbcc version (dpkg -s libbpfcc), or try a newer kernel or libbpfcc";
  static final String ATTACH_FIX = "attaching to a tracepoint failed although the capabilities are"
      + " granted: check that perf events are allowed (kernel.perf_event_paranoid, seccomp/container"
      + " policy on perf_event_open) and that tracefs events are readable"
      + " (/sys/kernel/tracing/events)";
  static final String MAP_FIX = "the BPF maps could not be created or mapped into this process:"
      + " check the memory lock limit (ulimit -l), that mmap of BPF maps is not denied by an LSM"
      + " (SELinux/AppArmor bpf and map rules), and free memory";

  static String fixFor(ProbeUnavailableException.Missing missing) {
    return switch (missing) {
      case LIBBCC -> LibbccInstallation.INSTALL;
      case TRACEFS -> Tracefs.MOUNT_FIX;
      case KERNEL_HEADERS -> "install kernel headers as root: deploy/setup-host.sh, or load the"
          + " kheaders module: modprobe kheaders";
      case CAPABILITY, BPF_SYSCALL -> CapabilityCheck.GRANT;
      case LOAD -> LOAD_FIX;
      case ATTACH -> ATTACH_FIX;
      case MAP -> MAP_FIX;
      case TRACEPOINT -> "use a kernel with the syscalls and exceptions tracepoints (x86_64,"
          + " CONFIG_FTRACE_SYSCALLS=y)";
      case COMPILE -> "check the kernel headers (deploy/setup-host.sh) and the clang errors above";
    };
  }
}
