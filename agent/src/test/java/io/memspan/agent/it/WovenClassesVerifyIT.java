package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.probe.Probes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HotSpot does not verify bootstrap classes, so a woven JDK method with a bad stack-map frame
 * would not be refused: it would crash, or worse. Here the JVM is told to verify them too
 * ({@code -XX:+BytecodeVerificationLocal}) and every probed class, woven in place by the agent,
 * must pass its verifier while a workload runs through every probe.
 */
class WovenClassesVerifyIT {

  @Test
  void everyWovenJdkClassPassesTheJvmVerifier(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("verification.log");
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=off,otel.traces.exporter=none,"
            + "otel.metrics.exporter=none")
        .jvmArg("-XX:+UnlockDiagnosticVMOptions")
        .jvmArg("-XX:+BytecodeVerificationLocal")
        .jvmArg("-Xlog:verification=info:file=" + log)
        .run(Duration.ofMinutes(3), "io.memspan.itapp.Workload",
            "list", "map", "chm", "mixed", "mmaps", "direct")
        .assertExitedNormally();
    assertTrue(r.stdout().contains("mmaps sum="), r.stdout());
    List<String> notVerified = new ArrayList<>();
    String verification = Files.readString(log);
    for (var spec : Probes.builtIn()) {
      if (!verification.contains("Verifying class " + spec.typeName() + " ")) {
        notVerified.add(spec.typeName());
      }
    }
    assertEquals(List.of(), notVerified, "woven but never verified: " + r.stderr());
    assertTrue(!verification.contains("VerifyError") && !r.stderr().contains("VerifyError"),
        r.stderr());
  }
}
