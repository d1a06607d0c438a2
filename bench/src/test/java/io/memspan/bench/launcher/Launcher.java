package io.memspan.bench.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the top-level {@code memspan} script as a user would, capturing what it prints. */
final class Launcher {

  /** Exit status and both streams of one run. */
  record Result(int exit, String out, String err) {
    String both() {
      return out + err;
    }
  }

  /** The checkout's root: the folder holding the {@code memspan} script (tests run in bench/). */
  static Path home() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("memspan"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no memspan script above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The java this test runs on, so the launcher's JVMs are the same version (17 or 25). */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static Result run(long timeoutSeconds, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(home().resolve("memspan").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home().toFile());
    pb.environment().put("MEMSPAN_JAVA", java());
    pb.environment().putAll(env);
    Path dir = Files.createTempDirectory("memspan-launcher-test");
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
        Path.of("/dev/null").toFile()));
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("memspan " + String.join(" ", args) + " did not finish in "
            + timeoutSeconds + " s; it printed:\n" + Files.readString(out) + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(dir);
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(120, Map.of(), args);
  }
}
