package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityCheckTest {

  private static ProcStatus status(int euid, long capEff) {
    return new ProcStatus(euid, capEff, 0);
  }

  private static long caps(int... bits) {
    long v = 0;
    for (int b : bits) {
      v |= 1L << b;
    }
    return v;
  }

  @Test
  void unprivilegedUserMissesAllThree() {
    Finding f = CapabilityCheck.check(status(65534, 0), false);
    assertEquals(Status.FAIL, f.status());
    assertTrue(f.detail().startsWith("missing CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH"), f.detail());
    assertTrue(f.fix().contains("cap_bpf,cap_perfmon,cap_dac_read_search"), f.fix());
    assertTrue(f.fix().contains("securityContext.capabilities.add"), f.fix());
  }

  @Test
  void namesOnlyTheCapabilityThatIsMissing() {
    assertEquals(List.of("CAP_PERFMON"),
        status(1000, caps(ProcStatus.CAP_BPF, ProcStatus.CAP_DAC_READ_SEARCH))
            .missingCapabilities(false));
    assertEquals(List.of("CAP_DAC_READ_SEARCH"),
        status(1000, caps(ProcStatus.CAP_BPF, ProcStatus.CAP_PERFMON)).missingCapabilities(false));
  }

  @Test
  void rootNeedsNoDacCapabilityButStillBpfAndPerfmon() {
    // Docker's default capability set for root in a container: no CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN.
    Finding f = CapabilityCheck.check(status(0, 0x00000000a80425fbL), false);
    assertEquals(Status.FAIL, f.status());
    assertTrue(f.detail().startsWith("missing CAP_BPF, CAP_PERFMON ("), f.detail());
  }

  @Test
  void readableTracefsNeedsNoDacCapability() {
    assertEquals(List.of(), status(1000, caps(ProcStatus.CAP_BPF, ProcStatus.CAP_PERFMON))
        .missingCapabilities(true));
  }

  @Test
  void ambientCapabilitiesAreEnough() {
    Finding f = CapabilityCheck.check(status(65534, 0x000000c000000004L), false);
    assertEquals(Status.OK, f.status());
    assertEquals("CAP_DAC_READ_SEARCH CAP_PERFMON CAP_BPF (euid 65534, CapEff 000000c000000004)",
        f.detail());
  }

  @Test
  void agreesWithThisProcessCapabilities() throws Exception {
    ProcStatus me = ProcStatus.parse(Files.readString(Path.of("/proc/self/status")));
    boolean capable = me.bpfCapable() && me.perfmonCapable()
        && (me.effectiveUid() == 0 || me.canReadAnyFile());
    Finding f = CapabilityCheck.check(me, false);
    assertEquals(capable ? Status.OK : Status.FAIL, f.status(), f.line());
  }
}
