package io.memspan.bpf;

/** Where a {@link MemoryProbe} comes from. */
public final class MemoryProbes {
  private MemoryProbes() {}

  /**
   * Compiles and loads memspan.bpf.c for {@code options.pid()} (0 = this process) through libbcc;
   * blocking (hundreds of ms, and LLVM's memory until it is trimmed), so callers run it off their
   * startup path. The BCC module is destroyed and native memory trimmed before this returns.
   *
   * @throws ProbeUnavailableException naming the exact missing piece (libbcc, tracefs, a
   *     tracepoint, kernel headers, a capability, the bpf() syscall, or clang's own errors)
   */
  public static MemoryProbe bcc(ProbeOptions options) throws ProbeUnavailableException {
    LibrarySearchPath.initJna();
    BccProgram program = BccProgram.load(options);
    try {
      return new BccProbe(options, program);
    } catch (RuntimeException e) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.MAP,
          "cannot map the BPF maps into this process: " + e.getMessage(), e);
    }
  }

  /**
   * The fallback without eBPF or privileges: per-op fault counts from {@code getrusage(RUSAGE_THREAD)}
   * around armed ops ({@code memspan.kernel.source = rusage}); no syscall records. See {@link RusageProbe}.
   *
   * @throws IllegalStateException when this is not 64-bit Linux
   */
  public static MemoryProbe rusage() {
    LibrarySearchPath.initJna();
    return RusageProbe.open();
  }

  /**
   * The tracepoints the bcc probe attaches to, as {@code category:event} (e.g.
   * {@code exceptions:page_fault_user}), for tools that check a host before loading it.
   */
  public static java.util.List<String> tracepoints() {
    return Tracepoint.ALL.stream().map(Tracepoint::toString).toList();
  }

  /** Where the bcc probe looks for tracefs, in order, for tools that check a host before loading it. */
  public static java.util.List<String> tracefsMountPoints() {
    return BccPreflight.TRACEFS_MOUNTS.stream().map(java.nio.file.Path::toString).toList();
  }

  /** A probe that attributes nothing ({@code memspan.kernel.source = none}). */
  public static MemoryProbe none() {
    return NoProbe.INSTANCE;
  }
}
