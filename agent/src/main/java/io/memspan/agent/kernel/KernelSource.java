package io.memspan.agent.kernel;

import io.memspan.bpf.BccProbe;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.ProbeUnavailableException;
import java.util.Locale;

/**
 * Chooses where per-op fault counts come from ({@code memspan.kernel}): {@code auto} takes the
 * in-process eBPF probe if it loads, else the {@code getrusage} fallback, else none; {@code bcc},
 * {@code rusage} and {@code off} ask for one. The result carries the one startup line that says
 * which source is active and, when it is not bcc, why.
 */
public final class KernelSource {

  /** How each source is opened; the real one calls {@code MemoryProbes}. */
  public interface Factory {
    MemoryProbe bcc() throws ProbeUnavailableException;

    MemoryProbe rusage() throws ProbeUnavailableException;

    MemoryProbe none();
  }

  /** The probe to use and the line to print. */
  public record Choice(MemoryProbe probe, String line) {}

  private KernelSource() {}

  public static Choice choose(String mode, Factory factory) {
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "off":
        return new Choice(factory.none(),
            "memspan: kernel source none (memspan.kernel=off): ops are recorded without faults"
                + " or syscalls");
      case "bcc":
        try {
          return bcc(factory.bcc());
        } catch (ProbeUnavailableException | RuntimeException | LinkageError e) {
          return new Choice(factory.none(), "memspan: kernel source none (memspan.kernel=bcc but "
              + "eBPF is unavailable: " + reason(e) + ")");
        }
      case "rusage":
        try {
          return new Choice(factory.rusage(),
              "memspan: kernel source rusage (memspan.kernel=rusage): fault counts only");
        } catch (ProbeUnavailableException | RuntimeException | LinkageError e) {
          return new Choice(factory.none(), "memspan: kernel source none (memspan.kernel=rusage "
              + "but getrusage is unavailable: " + reason(e) + ")");
        }
      default:
        String bccReason;
        try {
          return bcc(factory.bcc());
        } catch (ProbeUnavailableException | RuntimeException | LinkageError e) {
          bccReason = reason(e);
        }
        try {
          return new Choice(factory.rusage(), "memspan: kernel source rusage, fault counts only"
              + " (eBPF unavailable: " + bccReason + ")");
        } catch (ProbeUnavailableException | RuntimeException | LinkageError e) {
          return new Choice(factory.none(), "memspan: kernel source none (eBPF unavailable: "
              + bccReason + "; getrusage unavailable: " + reason(e) + ")");
        }
    }
  }

  /** The bcc line says where the program came from: libbcc's compile or the compile cache. */
  private static Choice bcc(MemoryProbe probe) {
    String line = "memspan: kernel source bcc (eBPF, exact per op)";
    return new Choice(probe, probe instanceof BccProbe b ? line + ", program " + b.loadReport()
        : line);
  }

  /** Whether {@code mode} may load the eBPF program: the one source whose start costs CPU. */
  public static boolean mayCompile(String mode) {
    String m = mode.toLowerCase(Locale.ROOT);
    return !m.equals("off") && !m.equals("rusage");
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }
}
