package io.memspan.bench.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bpf.BpfRequirement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The per-fault program harness against the real kernel: two copies of the probe run on every
 * zero-page fault of the reading thread (the kernel counts twice the faults, and an armed op in
 * each copy sees every one), and the report gives one copy's cost and the kernel's own clock.
 */
class FaultProgramCostIT {
  private static Process run(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp",
        Path.of("target/memspan-bench.jar").toAbsolutePath().toString(),
        FaultProgramCost.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void everyCopyRunsOnEveryFaultAndTheKernelTimesIt() throws Exception {
    BpfRequirement.assumeAvailable();
    Process p = run("--copies", "2", "--rounds", "2", "--mib", "16", "--armed");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(Pattern.compile("one copy, dispatch included: -?[0-9.]+ ns/fault").matcher(out)
        .find(), out);
    Matcher clock = Pattern.compile("the kernel's clock \\(statistics on\\): ([0-9.]+) ns per run,"
        + " ([0-9]+) runs for 4096 faults x 2 copies").matcher(out);
    assertTrue(clock.find(), out);
    long runs = Long.parseLong(clock.group(2));
    // Raw tracepoints also run for the faults of every other process on the host.
    assertTrue(runs >= 2 * 4096 && runs < 4 * 4096, runs + " runs\n" + out);
    assertTrue(Double.parseDouble(clock.group(1)) > 0, out);
  }

  @Test
  void badOptionsNameTheProblem() throws Exception {
    Process p = run("--copies", "0");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), out);
    assertTrue(out.contains("--copies, --mib must be at least 1, --rounds at least 2"), out);
  }
}
