package io.memspan.bpf.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

  @Test
  void readyWhenNothingFailed() {
    Diagnosis d = new Diagnosis(List.of(
        Finding.ok("kernel", "6.1.0"), Finding.warn("perf_event_paranoid", "3: needs CAP_PERFMON")));
    assertTrue(d.ready());
    assertEquals("eBPF: ready", d.verdict());
    assertEquals(0, d.exitCode());
  }

  @Test
  void firstFailureDecidesTheVerdict() {
    Diagnosis d = new Diagnosis(List.of(
        Finding.ok("kernel", "6.1.0"),
        Finding.fail("capabilities", "missing CAP_PERFMON", "grant cap_perfmon"),
        Finding.fail("tracefs", "cannot read /sys/kernel/tracing", "grant cap_dac_read_search"),
        Finding.fail("bpf() syscall", "EPERM", "grant cap_bpf")));

    assertFalse(d.ready());
    assertEquals(1, d.exitCode());
    assertEquals("capabilities", d.firstFailure().orElseThrow().check());
    assertTrue(d.verdict().startsWith("eBPF: not available — missing CAP_PERFMON: grant cap_perfmon"),
        d.verdict());
    assertTrue(d.verdict().contains("2 more"), d.verdict());
  }

  @Test
  void reportHasOneLinePerCheckThenTheVerdict() {
    Diagnosis d = new Diagnosis(List.of(
        Finding.ok("kernel", "6.1.0"), Finding.fail("libbcc", "libbcc.so.0 not found", "apt-get install libbpfcc")));
    List<String> lines = d.report().lines().toList();
    assertEquals(3, lines.size());
    assertTrue(lines.get(0).startsWith("ok "), lines.get(0));
    assertTrue(lines.get(1).startsWith("FAIL "), lines.get(1));
    assertEquals("eBPF: not available — libbcc.so.0 not found: apt-get install libbpfcc", lines.get(2));
  }

  @Test
  void compilerOutputStaysOutOfTheOneLineVerdict() {
    Finding compile = Finding.fail("program memspan.bpf.c",
        "did not load (COMPILE): libbcc could not compile memspan.bpf.c: \n"
            + "memspan.bpf.c:12:1: error: unknown type name 'u64'\n1 error generated.",
        "check the kernel headers");
    Diagnosis d = new Diagnosis(List.of(compile));

    assertEquals("eBPF: not available — did not load (COMPILE): libbcc could not compile"
        + " memspan.bpf.c: (more above): check the kernel headers", d.verdict());
    List<String> lines = d.report().lines().toList();
    assertEquals(4, lines.size(), d.report());
    assertTrue(lines.get(1).matches("^ {48}memspan.bpf.c:12:1: error: .*"), lines.get(1));
  }

  @Test
  void aFailureWithoutAFixIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Finding.fail("x", "broken", " "));
  }
}
