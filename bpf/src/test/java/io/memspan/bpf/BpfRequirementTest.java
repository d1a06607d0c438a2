package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without CAP_BPF and CAP_PERFMON the probe says which capability is missing, and the test rule
 * skips, or fails under MEMSPAN_REQUIRE_BPF=1. Runs a child JVM with those capabilities dropped
 * from its bounding set (setpriv), so it needs to start as root.
 */
class BpfRequirementTest {

  /** Child: tries the rule and prints what happened. */
  public static void main(String[] args) {
    try {
      BpfRequirement.assumeAvailable();
      System.out.println("AVAILABLE");
    } catch (AssertionError e) {
      System.out.println("FAILED " + e.getMessage());
    } catch (RuntimeException e) {
      System.out.println("SKIPPED " + e.getClass().getName() + " " + e.getMessage());
    }
  }

  static String runWithoutCapabilities(boolean require) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-all",
        "--bounding-set=-bpf,-perfmon,-sys_admin", "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BpfRequirementTest.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove(BpfRequirement.REQUIRE_ENV);
    if (require) {
      pb.environment().put(BpfRequirement.REQUIRE_ENV, "1");
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return out;
  }

  @Test
  void namesTheMissingCapabilityThenSkipsOrFails() throws Exception {
    Probes.assumeToolAsAdmin("setpriv", "dropping capabilities for a child");

    String skipped = runWithoutCapabilities(false);
    assertTrue(skipped.contains("SKIPPED org.opentest4j.TestAbortedException"), skipped);
    assertTrue(skipped.contains("missing capability CAP_BPF and CAP_PERFMON"), skipped);

    String failed = runWithoutCapabilities(true);
    // (JDK 25 may print native-access warnings first.)
    assertTrue(failed.lines().anyMatch(
        l -> l.startsWith("FAILED MEMSPAN_REQUIRE_BPF=1 but eBPF is not available:")), failed);
    assertTrue(failed.contains("missing capability CAP_BPF and CAP_PERFMON"), failed);
    assertEquals(-1, failed.indexOf("AVAILABLE"));
    assertEquals(-1, skipped.indexOf("FAILED"));
  }
}
