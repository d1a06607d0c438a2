package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own count of what memspan's programs run: found through the process that attached
 * them, and counting every page fault of a 64 MiB mapping touched page by page.
 */
class ProgramRunTimeTest {
  private static final long BYTES = 64L << 20;
  private static final long PAGES = BYTES / 4096;

  @Test
  void theFaultProgramsRunOncePerFaultAndTheKernelTimesThem() throws Exception {
    MemoryProbe probe = Probes.load(ProbeOptions.defaults());
    try {
      BpfRequirement.assumeThat(ProcStatus.current().has(ProcStatus.CAP_SYS_ADMIN),
          "the kernel's program statistics need CAP_SYS_ADMIN");
      long pid = ProcessHandle.current().pid();
      Set<String> events = new TreeSet<>();
      ProgramRunTime.attachedBy(pid).forEach(a -> events.add(a.event()));
      assertEquals(new TreeSet<>(Set.of("page_fault_kernel", "page_fault_user",
          "sys_enter_brk", "sys_exit_brk", "sys_enter_madvise", "sys_exit_madvise",
          "sys_enter_mmap", "sys_exit_mmap", "sys_enter_mremap", "sys_exit_mremap",
          "sys_enter_munmap", "sys_exit_munmap")), events);

      TestLibC.mapTouchAndUnmap(BYTES); // JNA links its calls outside the measurement
      ProgramRunTime.Totals ran;
      long hostFaults = ProgramRunTime.hostFaults();
      try (ProgramRunTime stats = ProgramRunTime.enable()) {
        ProgramRunTime.Totals before = ProgramRunTime.totals(pid, "page_fault_user");
        TestLibC.mapTouchAndUnmap(BYTES);
        ran = ProgramRunTime.totals(pid, "page_fault_user").minus(before);
      }
      hostFaults = ProgramRunTime.hostFaults() - hostFaults;
      // Raw tracepoints run for every process on the host: our 16384 faults and any others', once
      // each. (The slack: user faults the kernel does not count as handled, e.g. a JVM's implicit
      // null checks, which fault on purpose.)
      assertTrue(ran.runs() >= PAGES && ran.runs() <= hostFaults + 1024, "runs " + ran + " for "
          + PAGES + " faults; the host took " + hostFaults);
      assertTrue(ran.runNanos() > 0, "run time " + ran);

      // Unless another process holds them on too (then this part says nothing).
      if (Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip().equals("0")) {
        ProgramRunTime.Totals before = ProgramRunTime.totals(pid, "page_fault_user");
        TestLibC.mapTouchAndUnmap(BYTES);
        assertEquals(before, ProgramRunTime.totals(pid, "page_fault_user"),
            "statistics off again once the holder closed them");
      }
    } finally {
      probe.close();
    }
  }
}
