package io.memspan.bench.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A harness of the built bench jar run as a user runs it: its own JVM, output and exit code. */
public final class BenchJarProcess {
  /** The bench jar this module's build made (the ITs run after packaging). */
  public static final Path BENCH_JAR = Path.of("target/memspan-bench.jar").toAbsolutePath();
  /** The agent jar the agent module's build made. */
  public static final Path AGENT_JAR = Path.of("../agent/target/memspan-agent.jar")
      .toAbsolutePath().normalize();

  /** What the harness printed (stdout and stderr, interleaved) and its exit code. */
  public record Result(int exitCode, String output) {}

  private BenchJarProcess() {}

  /** Runs {@code main} of {@code harness} from the bench jar, on this JVM's java, to its end. */
  public static Result run(Class<?> harness, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        BENCH_JAR.toString(), harness.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }
}
