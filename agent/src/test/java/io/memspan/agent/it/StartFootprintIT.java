package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent loads at start is CPU the application pays for on its own cores. With no kernel
 * source and no exporter, nothing of JNA (its native stub is extracted to a temp file, with a
 * SecureRandom name), of the platform management service, of the OpenTelemetry SDK's resource
 * detection, of Netty, of java.util.logging or of process handles may be loaded: each costs
 * milliseconds to tens of milliseconds of CPU and none has anything to do there. (A few SDK
 * interfaces are loaded when the export classes are verified; they cost nothing worth a
 * contortion.)
 */
class StartFootprintIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> NOT_LOADED = List.of(
      "com.sun.jna.",
      "sun.management.",
      "com.sun.management.internal.",
      "io.memspan.shaded.otel.sdk.resources.",
      "io.memspan.shaded.netty.",
      "java.lang.ProcessHandleImpl",
      "java.util.logging.LogManager");

  @Test
  void noKernelSourceAndNoExporterLoadNothingTheyDoNotUse(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("classes.txt");
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=off,otel.traces.exporter=none,"
            + "otel.metrics.exporter=none,memspan.threshold=0")
        .jvmArg("-Xlog:class+load=info:file=" + log)
        .run(TIMEOUT, "io.memspan.itapp.Workload", "list").assertExitedNormally();
    assertTrue(r.stdout().contains("list size=1000000"), r.stdout());
    // ops were recorded: the recorder, poller and advice ran, not just the weaving
    assertTrue(r.stderr().contains("memspan: span export off"), r.stderr());
    List<String> loaded = loadedClasses(log);
    assertTrue(loaded.contains("io.memspan.agent.record.Poller"), "no agent classes in the log");
    List<String> unwanted = loaded.stream()
        .filter(c -> NOT_LOADED.stream().anyMatch(c::startsWith))
        .collect(Collectors.toList());
    assertEquals(List.of(), unwanted);
  }

  /**
   * A kernel source that needs JNA loads it, but JNA must not run {@code ldconfig -p} in a child
   * process to build a search path memspan never uses (it loads libraries by soname).
   */
  @Test
  void jnaStartsNoChildProcess(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("classes.txt");
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=rusage,otel.traces.exporter=none,"
            + "otel.metrics.exporter=none,memspan.threshold=0")
        .jvmArg("-Dmemspan.it.wait.kernel=true")
        .jvmArg("-Xlog:class+load=info:file=" + log)
        .run(TIMEOUT, "io.memspan.itapp.Workload", "list").assertExitedNormally();
    assertTrue(r.stderr().contains("memspan: kernel source rusage"), r.stderr());
    List<String> loaded = loadedClasses(log);
    assertTrue(loaded.contains("com.sun.jna.NativeLibrary"), "JNA was not used: " + r.stderr());
    assertEquals(List.of(), loaded.stream()
        // (not ProcessImpl: JDK 25 loads it with ProcessEnvironment, for System.getenv)
        .filter(c -> c.equals("java.lang.ProcessBuilder") || c.equals("java.lang.ProcessHandleImpl"))
        .collect(Collectors.toList()), "a child process was started");
  }

  /** Class names in the order {@code -Xlog:class+load} logged them. */
  private static List<String> loadedClasses(Path log) throws java.io.IOException {
    return Files.readAllLines(log).stream()
        .map(line -> line.replaceFirst("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\]\\s*", ""))
        .map(line -> line.split(" ")[0])
        .collect(Collectors.toList());
  }
}
