package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code memspan doctor}: can this host and this process run memspan's eBPF probe, and if not,
 * exactly what is missing and what fixes it. One line per check, then the verdict.
 *
 * <p>Checks run prerequisites first (kernel, libbcc, headers, capabilities) so that the first
 * failure is the cause, not a consequence: without CAP_DAC_READ_SEARCH tracefs is unreadable, and
 * the verdict should name the capability, not the file. The agent uses {@link #checkPrerequisites()}
 * to say why it fell back from {@code bcc}.
 */
public final class Doctor {

  private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");
  private static final Path MOUNTS = Path.of("/proc/self/mounts");
  private static final Path PERF_EVENT_PARANOID = Path.of("/proc/sys/kernel/perf_event_paranoid");
  private static final Path UNPRIVILEGED_BPF_DISABLED =
      Path.of("/proc/sys/kernel/unprivileged_bpf_disabled");
  private static final Path MODULES = Path.of("/lib/modules");
  private static final Path KHEADERS = io.memspan.bpf.KernelHeaderSource.KHEADERS;

  private Doctor() {}

  /** Every check without compiling the program: cheap (no libbcc, no LLVM), safe in any process. */
  public static Diagnosis checkPrerequisites() {
    return diagnose(false, f -> { });
  }

  /** Every check, then compiles, loads and closes the real program once (hundreds of ms). */
  public static Diagnosis diagnose() {
    return diagnose(true, f -> { });
  }

  /**
   * Runs the checks in order, handing each finding to {@code progress} as soon as it is known.
   *
   * @param loadProgram whether to finish by loading the real program (skipped after a failure)
   */
  public static Diagnosis diagnose(boolean loadProgram, Consumer<Finding> progress) {
    List<Finding> findings = new ArrayList<>();
    Consumer<Finding> add = f -> {
      findings.add(f);
      progress.accept(f);
    };

    KernelRelease kernel;
    try {
      kernel = KernelRelease.parse(read(OSRELEASE));
      add.accept(kernel.check());
    } catch (IOException | IllegalArgumentException e) {
      kernel = KernelRelease.parse(System.getProperty("os.version", "0.0"));
      add.accept(Finding.fail("kernel", "cannot read " + OSRELEASE + ": " + e.getMessage(),
          "mount /proc (memspan reads the kernel's state there)"));
    }

    add.accept(LibbccInstallation.check());
    add.accept(KernelHeaders.check(MODULES, KHEADERS, kernel));

    ProcStatus status;
    try {
      status = ProcStatus.current();
    } catch (IOException | IllegalArgumentException e) {
      status = new ProcStatus(-1, 0, 0);
    }
    List<String> mountPoints = tracefsMountPoints();
    add.accept(CapabilityCheck.check(status, tracefsReadable(mountPoints)));

    Finding tracefs = Tracefs.check(mountPoints);
    add.accept(tracefs);
    if (tracefs.failed()) {
      add.accept(Finding.warn("tracepoint (all " + Tracefs.TRACEPOINTS.size() + ")",
          "not checked: tracefs is not readable"));
    } else {
      Path root = Path.of(mountPoints.get(0));
      for (String tp : Tracefs.TRACEPOINTS) {
        add.accept(Tracefs.checkTracepoint(root, tp));
      }
    }

    add.accept(sysctl(SysctlCheck.PARANOID, PERF_EVENT_PARANOID, status));
    add.accept(sysctl(SysctlCheck.UNPRIVILEGED_BPF, UNPRIVILEGED_BPF_DISABLED, status));
    add.accept(BpfSyscall.check(status, kernel));

    if (loadProgram) {
      boolean anyFailed = findings.stream().anyMatch(Finding::failed);
      add.accept(anyFailed
          ? Finding.warn(ProgramCheck.CHECK, "not loaded: fix the first failure above first")
          : ProgramCheck.check());
    }
    return new Diagnosis(findings);
  }

  private static Finding sysctl(String name, Path file, ProcStatus status) {
    int value;
    try {
      value = SysctlCheck.parse(read(file));
    } catch (IOException | NumberFormatException e) {
      return Finding.warn(name, "cannot read " + file + ": " + e.getMessage());
    }
    return name.equals(SysctlCheck.PARANOID)
        ? SysctlCheck.perfEventParanoid(value, status)
        : SysctlCheck.unprivilegedBpfDisabled(value, status);
  }

  private static List<String> tracefsMountPoints() {
    try {
      return Tracefs.mountPoints(read(MOUNTS));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean tracefsReadable(List<String> mountPoints) {
    if (mountPoints.isEmpty()) {
      return false;
    }
    try {
      return Tracefs.readFormat(Path.of(mountPoints.get(0)), "exceptions:page_fault_user").isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) {
    boolean load = true;
    for (String a : args) {
      switch (a) {
        case "--no-load" -> load = false;
        case "-h", "--help" -> {
          System.out.println("usage: memspan doctor [--no-load]\n"
              + "  one line per check, then 'eBPF: ready' (exit 0) or what is missing (exit 1)\n"
              + "  --no-load  skip compiling and loading the program (no libbcc/LLVM in this JVM)");
          return;
        }
        default -> {
          System.err.println("memspan doctor: unknown option '" + a + "' (try --help)");
          System.exit(2);
        }
      }
    }
    PrintStream out = System.out;
    Diagnosis d = diagnose(load, f -> {
      out.println(f.line());
      out.flush();
    });
    out.println(d.verdict());
    out.flush();
    System.exit(d.exitCode());
  }
}
