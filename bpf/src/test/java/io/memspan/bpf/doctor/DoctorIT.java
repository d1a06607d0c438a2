package io.memspan.bpf.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bpf.BpfRequirement;
import io.memspan.bpf.ProbeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./memspan doctor} through the launcher and the shaded jar, on this (prepared) host. */
class DoctorIT {

  private static final Path LAUNCHER = Path.of("..", "memspan").toAbsolutePath().normalize();

  private record Run(int exit, List<String> lines) {}

  private static Run doctor(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString(), "doctor"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // The launcher runs the JDK this test runs on.
    pb.environment().put("MEMSPAN_JAVA", ProcessHandle.current().info().command().orElseThrow());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "doctor finished");
    return new Run(p.exitValue(), out.lines().filter(l -> !l.isBlank()).toList());
  }

  @Test
  void readyHostSaysReadyWithOneLinePerCheck() throws Exception {
    BpfRequirement.assumeAvailable();
    Run r = doctor();

    String all = String.join("\n", r.lines());
    assertEquals(0, r.exit(), all);
    assertEquals("eBPF: ready", r.lines().get(r.lines().size() - 1), all);
    // kernel, libbcc, headers, capabilities, tracefs, 12 tracepoints, 2 sysctls, bpf(), program
    List<String> checks = r.lines().stream().filter(l -> l.matches("^(ok|warn|FAIL) .*")).toList();
    assertEquals(21, checks.size(), all);
    assertTrue(checks.stream().noneMatch(l -> l.startsWith("FAIL")), all);
    for (String tp : Tracefs.TRACEPOINTS) {
      assertTrue(checks.stream().anyMatch(l -> l.matches("^ok +tracepoint " + tp + " +id \\d+$")),
          tp + " in\n" + all);
    }
    String program = checks.get(checks.size() - 1);
    assertTrue(program.contains("compiled, loaded and attached (bcc)")
        || program.contains("loaded from the compile cache and attached (bcc)"), all);
    assertTrue(program.contains("; compile cache " + ProbeOptions.defaultCacheDir() + ": "), all);

    // Whatever the first run found, it left the cache warm: the next doctor (and agent) hits it.
    Run again = doctor();
    assertTrue(again.lines().stream().anyMatch(l -> l.matches("^ok +program memspan\\.bpf\\.c +"
        + "loaded from the compile cache and attached \\(bcc\\) in \\d+ ms, then closed; compile"
        + " cache " + ProbeOptions.defaultCacheDir() + ": hit$")), String.join("\n", again.lines()));
  }

  @Test
  void prerequisitesAgreeWithTheProbeInProcess() {
    BpfRequirement.assumeAvailable();
    Diagnosis d = Doctor.checkPrerequisites();
    assertTrue(d.ready(), d.report());
    assertTrue(d.findings().stream().noneMatch(f -> f.check().startsWith("program")),
        "checkPrerequisites does not compile: " + d.report());
  }

  @Test
  void unknownOptionIsAnErrorNamingIt() throws Exception {
    Run r = doctor("--frobnicate");
    assertEquals(2, r.exit());
    assertEquals(List.of("memspan doctor: unknown option '--frobnicate' (try --help)"), r.lines());
  }
}
