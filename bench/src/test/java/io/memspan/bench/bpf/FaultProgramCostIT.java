package io.memspan.bench.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bench.testing.BenchJarProcess;
import io.memspan.bpf.BpfRequirement;
import io.memspan.bpf.ProcStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The per-fault program harness against the real kernel: two copies of the probe, each with an
 * op armed by the reading thread, count every one of its zero-page faults (the harness checks
 * each copy's op and exits non-zero otherwise); the kernel runs them once per fault on the host,
 * and the report gives one copy's cost and the kernel's own clock.
 */
class FaultProgramCostIT {
  @Test
  void everyCopyRunsOnEveryFaultAndTheKernelTimesIt() throws Exception {
    BpfRequirement.assumeAvailable();
    BpfRequirement.assumeThat(ProcStatus.current().has(ProcStatus.CAP_SYS_ADMIN),
        "the kernel's program statistics need CAP_SYS_ADMIN");
    BenchJarProcess.Result r = BenchJarProcess.run(FaultProgramCost.class,
        "--copies", "2", "--rounds", "2", "--mib", "16", "--armed");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(Pattern.compile("one copy, dispatch included: -?[0-9.]+ ns/fault").matcher(out)
        .find(), out);
    Matcher clock = Pattern.compile("the kernel's clock \\(statistics on\\): ([0-9.]+) ns per run,"
        + " ([0-9]+) runs for 4096 faults x 2 copies \\(the host handled ([0-9]+) faults").matcher(out);
    assertTrue(clock.find(), out);
    long runs = Long.parseLong(clock.group(2));
    long hostFaults = Long.parseLong(clock.group(3));
    // Each copy runs once per fault of any process on the host (with slack for user faults the
    // kernel does not count as handled: a JVM's implicit null checks fault on purpose).
    assertTrue(runs >= 2 * 4096 && runs <= 2 * (hostFaults + 1024), runs + " runs\n" + out);
    assertTrue(Double.parseDouble(clock.group(1)) > 0, out);
  }

  @Test
  void badOptionsNameTheProblem() throws Exception {
    BenchJarProcess.Result r = BenchJarProcess.run(FaultProgramCost.class, "--rounds", "3");
    assertEquals(2, r.exitCode(), r.output());
    assertTrue(r.output().contains("--rounds even and at least 2 (A B, then B A)"), r.output());
  }
}
