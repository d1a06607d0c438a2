package io.memspan.bench.agent;

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
 * The agent-thread harness against the built agent: an idle application's agent threads are
 * listed one by one, and the poller of an idle agent sleeps (about one wake-up a second; it woke
 * ~30 times a second when the kernel ring could not wake it).
 */
class AgentThreadCostIT {
  private static final Path AGENT_JAR = Path.of("../agent/target/memspan-agent.jar")
      .toAbsolutePath().normalize();
  private static final Pattern ROW =
      Pattern.compile("^\\s+(\\S.*?)\\s+A\\s+([0-9.]+)\\s+\\(\\s*([0-9.]+)\\)", Pattern.MULTILINE);

  private static Process run(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp",
        Path.of("target/memspan-bench.jar").toAbsolutePath().toString(),
        AgentThreadCost.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void anIdleAgentsThreadsAreListedAndItsPollerSleeps() throws Exception {
    Process p = run(AGENT_JAR.toString(), "--scenarios", "idle", "--rounds", "1",
        "--settle", "8", "--window", "4");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    Matcher m = ROW.matcher(out);
    Double pollerWakeUps = null;
    boolean total = false;
    while (m.find()) {
      if (m.group(1).equals("memspan-poller")) {
        pollerWakeUps = Double.parseDouble(m.group(3));
      }
      total |= m.group(1).equals("agent threads");
    }
    assertTrue(pollerWakeUps != null && total, out);
    assertTrue(pollerWakeUps <= 5, "an idle poller woke " + pollerWakeUps + " times a second\n"
        + out);
    if (BpfRequirement.required()) {
      // As root the kernel times the child's fault programs; they run for the host's faults.
      Matcher programs = Pattern.compile("bcc fault programs \\(kernel's run time\\):  A"
          + " [0-9.]+ ms/s, ([0-9]+) runs/s, ([0-9.]+) ns/run").matcher(out);
      assertTrue(programs.find(), out);
      assertTrue(Long.parseLong(programs.group(1)) > 0 && Double.parseDouble(programs.group(2)) > 0,
          out);
    }
  }

  @Test
  void badOptionsNameTheProblem() throws Exception {
    Process p = run(AGENT_JAR.toString(), "--window", "0");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), out);
    assertTrue(out.contains("--rounds and --window must be at least 1"), out);
    Process missing = run("no-such-agent.jar");
    String why = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, missing.waitFor(), why);
    assertTrue(why.contains("no-such-agent.jar not found: build the agent first"), why);
  }
}
