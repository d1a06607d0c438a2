package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatusTest {

  private static ProcStatus status(int euid, String capEff) {
    return ProcStatus.parse("Name:\tjava\nUid:\t" + euid + "\t" + euid + "\t" + euid + "\t" + euid
        + "\nCapInh:\t0000000000000000\nCapEff:\t" + capEff + "\nSeccomp:\t0\n");
  }

  @Test
  void parsesThisProcessStatus() throws Exception {
    String text = Files.readString(Path.of("/proc/self/status"));
    ProcStatus s = ProcStatus.parse(text);

    assertEquals(new UnixSystem().getUid(), s.effectiveUid(), "effective uid of this JVM");
    String capEffLine = text.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
    assertEquals(capEffLine.substring(7).trim(), String.format("%016x", s.capEff()));
  }

  @Test
  void decodesCapabilityBits() {
    // CapEff of a root shell on this host: every capability up to 40 but CAP_SYS_RESOURCE (24).
    ProcStatus root = status(0, "000001fffeffffff");
    assertTrue(root.has(ProcStatus.CAP_BPF));
    assertTrue(root.has(ProcStatus.CAP_PERFMON));
    assertTrue(root.has(ProcStatus.CAP_SYS_ADMIN));
    assertTrue(root.has(ProcStatus.CAP_DAC_READ_SEARCH));
    assertFalse(root.has(24));

    // capsh --addamb=cap_bpf,cap_perfmon,cap_dac_read_search: bits 39, 38 and 2.
    ProcStatus ambient = status(65534, "000000c000000004");
    assertEquals(List.of("CAP_DAC_READ_SEARCH", "CAP_PERFMON", "CAP_BPF"),
        ambient.relevantCapabilities());
    assertTrue(ambient.bpfCapable());
    assertTrue(ambient.perfmonCapable());
    assertTrue(ambient.canReadAnyFile());
    assertFalse(ambient.has(ProcStatus.CAP_SYS_ADMIN));
  }

  @Test
  void capSysAdminStandsInForBpfAndPerfmon() {
    ProcStatus sysAdmin = status(1000, String.format("%016x", 1L << ProcStatus.CAP_SYS_ADMIN));
    assertTrue(sysAdmin.bpfCapable());
    assertTrue(sysAdmin.perfmonCapable());
    assertFalse(sysAdmin.canReadAnyFile());
  }

  @Test
  void readsSeccompMode() {
    ProcStatus s = ProcStatus.parse("Uid:\t0\t0\t0\t0\nCapEff:\t0\nSeccomp:\t2\n");
    assertEquals(2, s.seccompMode());
  }

  @Test
  void rejectsTextWithoutTheNeededLines() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProcStatus.parse("Name:\tjava\nUid:\t0\t0\t0\t0\n"));
    assertTrue(e.getMessage().contains("CapEff"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ProcStatus.parse("CapEff:\t0\n"));
  }
}
