package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code io.memspan.itapp} programs in a fresh JVM of the JDK running the tests, with or
 * without {@code -javaagent:target/memspan-agent.jar} (the shaded jar, as users get it). The
 * child's class path holds the test classes only (plus named extra jars), never the agent's
 * unshaded classes or libraries.
 */
final class ForkedJvm {
  static final Path AGENT_JAR = Path.of("target", "memspan-agent.jar");

  /** What the child printed and how it ended. */
  record Result(int exit, String stdout, String stderr) {
    Result assertExitedNormally() {
      assertTrue(exit == 0, "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr);
      return this;
    }
  }

  private final List<String> command = new ArrayList<>();
  private final List<String> classPath = new ArrayList<>();
  private String agentArgs;
  private final List<String> wrapper = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();

  static ForkedJvm java() {
    return new ForkedJvm();
  }

  private ForkedJvm() {
    classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
  }

  /** Attaches the agent with these arguments ({@code key=value,...}; may be empty). */
  ForkedJvm agent(String args) {
    assertTrue(Files.isRegularFile(AGENT_JAR), AGENT_JAR + " missing: run after package");
    this.agentArgs = args;
    return this;
  }

  ForkedJvm jvmArg(String arg) {
    command.add(arg);
    return this;
  }

  /** Adds the test class path's jars whose file name starts with one of these prefixes. */
  ForkedJvm withJarsNamed(String... prefixes) {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      for (String p : prefixes) {
        if (name.startsWith(p) && name.endsWith(".jar")) {
          classPath.add(entry);
        }
      }
    }
    return this;
  }

  /** Sets an environment variable of the child. */
  ForkedJvm env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Runs the JVM under another command (e.g. setpriv to drop privileges). */
  ForkedJvm wrappedBy(String... cmd) {
    wrapper.addAll(List.of(cmd));
    return this;
  }

  List<String> commandLine(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    if (Runtime.version().feature() >= 21) {
      cmd.add("-XX:+EnableDynamicAgentLoading");
    }
    if (Runtime.version().feature() >= 24) {
      // JNA (libbcc) and ByteBuddy: the agent's documented JDK 24+ flags
      cmd.add("--enable-native-access=ALL-UNNAMED");
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    if (agentArgs != null) {
      cmd.add("-javaagent:" + AGENT_JAR.toAbsolutePath()
          + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    }
    cmd.addAll(command);
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  Result run(Duration timeout, String mainClass, String... args) throws Exception {
    return finish(start(mainClass, args), timeout);
  }

  Process start(String mainClass, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(commandLine(mainClass, args));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    // the agent reads MEMSPAN_* and OTEL_*: only what a test sets reaches the child
    pb.environment().keySet().removeIf(k -> k.startsWith("MEMSPAN_") || k.startsWith("OTEL_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static Result finish(Process p, Duration timeout) throws Exception {
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish within " + timeout + "\n--- stderr\n"
          + err.getNow(""));
    }
    return new Result(p.exitValue(), out.get(30, TimeUnit.SECONDS),
        err.get(30, TimeUnit.SECONDS));
  }

  static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<" + e + ">";
      }
    });
  }
}
