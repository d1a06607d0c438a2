package io.memspan.bpf.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bpf.LoadReport;
import io.memspan.bpf.ProbeUnavailableException.Missing;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A load, attach or map failure after the capability check passed is not sent back to it. */
class ProgramCheckTest {

  @Test
  void loadAttachAndMapFailuresEachGetTheirOwnFix() {
    String load = ProgramCheck.fixFor(Missing.LOAD);
    String attach = ProgramCheck.fixFor(Missing.ATTACH);
    String map = ProgramCheck.fixFor(Missing.MAP);
    for (String fix : Set.of(load, attach, map)) {
      assertNotEquals(CapabilityCheck.GRANT, fix);
    }
    assertEquals(3, Set.of(load, attach, map).size());
    assertTrue(load.contains("verifier log") && load.contains("uname -r")
        && load.contains("libbcc version"), load);
    assertTrue(attach.contains("perf_event") && attach.contains("tracefs"), attach);
    assertTrue(map.contains("mmap") && map.contains("LSM"), map);
    assertEquals(CapabilityCheck.GRANT, ProgramCheck.fixFor(Missing.CAPABILITY));
  }

  @Test
  void theProgramLineSaysWhereTheCacheIsAndWhetherItHit() {
    assertEquals("loaded from the compile cache and attached (bcc) in 41 ms, then closed; compile"
        + " cache /var/cache/memspan/bpf: hit", ProgramCheck.describe(new LoadReport(
        LoadReport.Origin.CACHED, Path.of("/var/cache/memspan/bpf"), "hit", 0, 1), "bcc", 41));
    assertEquals("compiled, loaded and attached (bcc) in 900 ms, then closed; compile cache"
        + " /c: miss: no entry for key 0a0b0c0d0e0f; written", ProgramCheck.describe(
        new LoadReport(LoadReport.Origin.COMPILED, Path.of("/c"),
            "miss: no entry for key 0a0b0c0d0e0f; written", 1, 1), "bcc", 900));
    assertEquals("compiled, loaded and attached (bcc) in 900 ms, then closed; compile cache off",
        ProgramCheck.describe(new LoadReport(LoadReport.Origin.COMPILED, null, "off", 1, 1), "bcc",
            900));
  }
}
