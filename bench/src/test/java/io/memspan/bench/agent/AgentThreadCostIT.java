package io.memspan.bench.agent;

import static io.memspan.bench.testing.BenchJarProcess.AGENT_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bench.testing.BenchJarProcess;
import io.memspan.bpf.BpfRequirement;
import java.util.ArrayList;
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
  private static final Pattern ROW =
      Pattern.compile("^\\s+(\\S.*?)\\s+A\\s+([0-9.]+)\\s+\\(\\s*([0-9.]+)\\)", Pattern.MULTILINE);

  @Test
  void anIdleAgentsThreadsAreListedAndItsPollerSleeps() throws Exception {
    boolean programStats = BpfRequirement.required();
    List<String> args = new ArrayList<>(List.of(AGENT_JAR.toString(), "--scenarios", "idle",
        "--rounds", "1", "--settle", "8", "--window", "4"));
    if (programStats) {
      args.add("--program-stats");
    }
    BenchJarProcess.Result r = BenchJarProcess.run(AgentThreadCost.class,
        args.toArray(String[]::new));
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
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
    if (programStats) {
      // The kernel times the child's fault programs; they run for the host's faults.
      Matcher programs = Pattern.compile("bcc fault programs, the host's runs \\(kernel's clock\\):"
          + "  A [0-9.]+ ms/s, ([0-9]+) runs/s, ([0-9.]+) ns/run").matcher(out);
      assertTrue(programs.find(), out);
      assertTrue(Long.parseLong(programs.group(1)) > 0 && Double.parseDouble(programs.group(2)) > 0,
          out);
    }
  }

  @Test
  void badOptionsNameTheProblem() throws Exception {
    BenchJarProcess.Result r = BenchJarProcess.run(AgentThreadCost.class, AGENT_JAR.toString(),
        "--window", "0");
    assertEquals(2, r.exitCode(), r.output());
    assertTrue(r.output().contains("--rounds and --window must be at least 1"), r.output());
    BenchJarProcess.Result missing = BenchJarProcess.run(AgentThreadCost.class,
        "no-such-agent.jar");
    assertEquals(2, missing.exitCode(), missing.output());
    assertTrue(missing.output().contains("no-such-agent.jar not found: build the agent first"),
        missing.output());
  }
}
