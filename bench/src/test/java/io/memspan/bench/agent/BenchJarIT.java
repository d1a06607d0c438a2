package io.memspan.bench.agent;

import static io.memspan.bench.testing.BenchJarProcess.AGENT_JAR;
import static io.memspan.bench.testing.BenchJarProcess.BENCH_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench jar must not carry the agent: every bench that measures the agent runs a child with
 * {@code -cp memspan-bench.jar -javaagent:memspan-agent.jar}, and the JVM resolves the agent's
 * entry class through the class path first, so a copy of it in the bench jar would be the agent
 * that runs, not the jar under test.
 */
class BenchJarIT {

  @Test
  void carriesOnlyTheAgentsOtlpSendersAndNoByteBuddy() throws IOException {
    List<String> unexpected = new ArrayList<>();
    int senders = 0;
    try (JarFile jar = new JarFile(BENCH_JAR.toFile())) {
      for (var e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.startsWith("io/memspan/agent/export/netty/")) {
          senders++;
        } else if ((name.startsWith("io/memspan/agent/") && !name.endsWith("/")
            && !name.startsWith("io/memspan/agent/export/SpanSchema"))
            || name.startsWith("net/bytebuddy/") || name.startsWith("io/memspan/shaded/")) {
          unexpected.add(name);
        }
      }
    }
    assertEquals(List.of(), unexpected, "agent classes or their dependencies in " + BENCH_JAR);
    assertTrue(senders > 0, "OtlpSenderBench needs the agent's Netty senders in " + BENCH_JAR);
  }

  @Test
  void aChildOnTheBenchClassPathRunsTheAgentFromTheAgentJar(@TempDir Path dir) throws Exception {
    Path probe = dir.resolve("WhichAgent.java");
    Files.writeString(probe, """
        public class WhichAgent {
          public static void main(String[] args) throws Exception {
            Class<?> entry = ClassLoader.getSystemClassLoader()
                .loadClass("io.memspan.agent.loader.AgentEntry");
            System.out.println(entry.getProtectionDomain().getCodeSource().getLocation().toURI()
                .getPath());
          }
        }
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-javaagent:" + AGENT_JAR
            + "=otel.traces.exporter=none,otel.metrics.exporter=none,memspan.kernel=off",
        "-cp", BENCH_JAR.toString(), probe.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    assertEquals(AGENT_JAR.toString(), Path.of(out).toString());
  }
}
