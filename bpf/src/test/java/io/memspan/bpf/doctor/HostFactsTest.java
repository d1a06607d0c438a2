package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsing behind each doctor check: this machine's real files where they exist, fixtures otherwise. */
class HostFactsTest {

  @Test
  void kernelReleaseOfThisMachineAndOfOthers() throws Exception {
    String running = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    KernelRelease k = KernelRelease.parse(running);
    assertEquals(running, k.text());
    assertTrue(running.startsWith(k.major() + "." + k.minor()), k + " from " + running);
    assertEquals(6, KernelRelease.parse("6.18.44-fc-v445").major());
    assertEquals(18, KernelRelease.parse("6.18.44-fc-v445").minor());

    assertEquals(Status.OK, KernelRelease.parse("6.1.0-56-amd64").check().status());
    assertEquals(Status.OK, KernelRelease.parse("5.8.0").check().status());
    Finding old = KernelRelease.parse("5.4.0-150-generic").check();
    assertEquals(Status.FAIL, old.status());
    assertTrue(old.detail().contains("older than 5.8"), old.detail());
    assertEquals(Status.FAIL, KernelRelease.parse("4.19.0-27-amd64").check().status());
    assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("linux"));
  }

  @Test
  void tracefsMountPointsFromMountsText() {
    String mounts = "sysfs /sys sysfs rw,nosuid 0 0\n"
        + "debugfs /sys/kernel/debug debugfs rw 0 0\n"
        + "tracefs /sys/kernel/debug/tracing tracefs rw 0 0\n"
        + "nodev /sys/kernel/tracing tracefs rw,relatime 0 0\n";
    assertEquals(List.of("/sys/kernel/tracing", "/sys/kernel/debug/tracing"), Tracefs.mountPoints(mounts));
    assertEquals(List.of(), Tracefs.mountPoints("proc /proc proc rw 0 0\n"));
    assertEquals(Status.FAIL, Tracefs.check(List.of()).status());
  }

  @Test
  void tracefsOfThisMachineAgreesWithItsMountTable() throws Exception {
    List<String> points = Tracefs.mountPoints(Files.readString(Path.of("/proc/self/mounts")));
    boolean mounted = Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
        || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"));
    assertEquals(mounted, !points.isEmpty(), "mount table " + points);
  }

  @Test
  void tracepointIdFromItsFormatFile() throws Exception {
    String fixture = "name: sys_enter_mmap\nID: 174\nformat:\n\tfield:unsigned short common_type;\n";
    assertEquals(OptionalInt.of(174), Tracefs.id(fixture));
    assertEquals(OptionalInt.empty(), Tracefs.id("name: x\nformat:\n"));

    Path real = Path.of("/sys/kernel/tracing/events/syscalls/sys_enter_mmap/format");
    if (Files.isReadable(real)) {
      OptionalInt id = Tracefs.id(Files.readString(real));
      assertTrue(id.isPresent());
      assertEquals("id " + id.getAsInt(),
          Tracefs.checkTracepoint(Path.of("/sys/kernel/tracing"), "syscalls:sys_enter_mmap").detail());
    }
  }

  @Test
  void missingTracepointNamesTheKernelOption(@TempDir Path fakeTracefs) throws Exception {
    Files.createDirectories(fakeTracefs.resolve("events/syscalls/sys_enter_mmap"));
    Files.writeString(fakeTracefs.resolve("events/syscalls/sys_enter_mmap/format"), "name: x\nID: 5\n");

    assertEquals(Status.OK, Tracefs.checkTracepoint(fakeTracefs, "syscalls:sys_enter_mmap").status());
    Finding missing = Tracefs.checkTracepoint(fakeTracefs, "syscalls:sys_exit_mmap");
    assertEquals(Status.FAIL, missing.status());
    assertTrue(missing.fix().contains("CONFIG_FTRACE_SYSCALLS"), missing.fix());
    Finding noFault = Tracefs.checkTracepoint(fakeTracefs, "exceptions:page_fault_user");
    assertTrue(noFault.fix().contains("x86"), noFault.fix());
  }

  @Test
  void libbccVersionFromFileNameAndDpkg() {
    assertEquals(Optional.of("0.26.0"), LibbccInstallation.versionFromFileName("libbcc.so.0.26.0"));
    assertEquals(Optional.of("0"), LibbccInstallation.versionFromFileName("libbcc.so.0"));
    assertEquals(Optional.empty(), LibbccInstallation.versionFromFileName("libbcc_bpf.so.0.26.0"));

    String status = "Package: libbpfcc-dev\nStatus: install ok installed\nVersion: 0.26.0+ds-1\n\n"
        + "Package: libbpfcc\nStatus: deinstall ok config-files\nVersion: 0.25.0\n\n"
        + "Package: libbpfcc\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.26.0+ds-1\n";
    assertEquals(Optional.of("0.26.0+ds-1"), LibbccInstallation.dpkgVersion(status, "libbpfcc"));
    assertEquals(Optional.empty(), LibbccInstallation.dpkgVersion(status, "bpfcc-tools"));
  }

  @Test
  void libbccOfThisMachine(@TempDir Path empty) {
    Optional<Path> lib = LibbccInstallation.locate(LibbccInstallation.searchPath());
    Finding f = LibbccInstallation.check();
    assertEquals(lib.isPresent() ? Status.OK : Status.FAIL, f.status(), f.line());
    lib.ifPresent(p -> assertTrue(f.detail().contains(p.toString()), f.detail()));

    Finding absent = Finding.fail("libbcc", "x", LibbccInstallation.INSTALL);
    assertTrue(absent.fix().contains("apt-get install libbpfcc"));
    assertEquals(Optional.empty(), LibbccInstallation.locate(List.of(empty)));
  }

  @Test
  void kernelHeadersFromTheModulesTree(@TempDir Path root) throws Exception {
    KernelRelease running = KernelRelease.parse("6.18.44-fc-v445");
    Path modules = root.resolve("lib/modules");
    Path kheaders = root.resolve("kheaders.tar.xz");

    Finding none = KernelHeaders.check(modules, kheaders, running);
    assertEquals(Status.FAIL, none.status());
    assertTrue(none.fix().contains("linux-headers-6.18.44-fc-v445"), none.fix());

    Files.writeString(kheaders, "");
    assertEquals(Status.OK, KernelHeaders.check(modules, kheaders, running).status());
    Files.delete(kheaders);

    Path generic = root.resolve("usr/src/linux-headers-6.1.0-56-amd64");
    Files.createDirectories(generic.resolve("include/config"));
    Files.writeString(generic.resolve("include/config/kernel.release"), "6.1.192\n");
    Files.createDirectories(modules.resolve(running.text()));
    Files.createSymbolicLink(modules.resolve(running.text()).resolve("build"), generic);
    Finding linked = KernelHeaders.check(modules, kheaders, running);
    assertEquals(Status.OK, linked.status());
    assertTrue(linked.detail().contains("-> " + generic.toRealPath()), linked.detail());
    assertTrue(linked.detail().contains("headers of 6.1.192, running 6.18.44-fc-v445"), linked.detail());
  }

  @Test
  void kernelHeadersOfThisMachine() throws Exception {
    KernelRelease k = KernelRelease.parse(Files.readString(Path.of("/proc/sys/kernel/osrelease")));
    boolean present = Files.isDirectory(Path.of("/lib/modules", k.text(), "build", "include"))
        || Files.exists(Path.of("/sys/kernel/kheaders.tar.xz"));
    Finding f = KernelHeaders.check(Path.of("/lib/modules"), Path.of("/sys/kernel/kheaders.tar.xz"), k);
    assertEquals(present ? Status.OK : Status.FAIL, f.status(), f.line());
  }

  @Test
  void memlockLimitFromProcLimits() throws Exception {
    String fixture = "Limit                     Soft Limit           Hard Limit           Units     \n"
        + "Max open files            1024                 1048576              files     \n"
        + "Max locked memory         65536                65536                bytes     \n";
    assertEquals(Optional.of("65536 bytes"), BpfSyscall.memlockSoftLimit(fixture));
    assertEquals(Optional.of("unlimited"), BpfSyscall.memlockSoftLimit(
        "Max locked memory         unlimited            unlimited            bytes\n"));
    assertEquals(Optional.empty(), BpfSyscall.memlockSoftLimit("Max open files 1 1 files\n"));
    assertTrue(BpfSyscall.memlockSoftLimit(Files.readString(Path.of("/proc/self/limits"))).isPresent());
  }

  @Test
  void sysctlsExplainRatherThanDecide() throws Exception {
    ProcStatus capable = new ProcStatus(0, 0x000001fffeffffffL, 0);
    ProcStatus nobody = new ProcStatus(65534, 0, 0);
    int paranoid = SysctlCheck.parse(Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")));

    assertEquals(Status.OK, SysctlCheck.perfEventParanoid(paranoid, capable).status());
    Finding p = SysctlCheck.perfEventParanoid(paranoid, nobody);
    assertEquals(Status.WARN, p.status());
    assertTrue(p.detail().startsWith(paranoid + ": "), p.detail());

    assertEquals("2 (unprivileged bpf() disabled): tracing needs CAP_BPF",
        SysctlCheck.unprivilegedBpfDisabled(2, nobody).detail());
    assertEquals(Status.OK, SysctlCheck.unprivilegedBpfDisabled(0, capable).status());
    assertFalse(SysctlCheck.unprivilegedBpfDisabled(1, nobody).failed());
    assertThrows(NumberFormatException.class, () -> SysctlCheck.parse("two"));
  }
}
