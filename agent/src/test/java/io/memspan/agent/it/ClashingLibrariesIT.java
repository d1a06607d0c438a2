package io.memspan.agent.it;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.clash.ClashApp;
import io.memspan.agent.testing.OtlpHttpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded agent jar next to an application that has its own, different Netty (4.1),
 * OpenTelemetry SDK (1.55), ByteBuddy (1.14) and JNA (5.13): the application runs unchanged
 * (byte-identical output, its own versions loaded) and the agent still exports over OTLP, also
 * when the agent's own JNA is loaded beside the application's (memspan.kernel=rusage).
 */
class ClashingLibrariesIT {
  private static final Path AGENT_JAR = Path.of("target", "memspan-agent.jar");
  private static final Path APP_LIBS = Path.of("target", "clash-app-lib");

  @Test
  void shadedJarRelocatesItsLibrariesAndCarriesNoNettyNatives() throws Exception {
    try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();
      assertTrue(names.contains("io/memspan/agent/loader/AgentEntry.class"));
      assertEquals("io.memspan.agent.loader.AgentEntry",
          jar.getManifest().getMainAttributes().getValue("Premain-Class"));
      for (String n : names) {
        assertFalse(n.startsWith("io/netty/") || n.startsWith("io/opentelemetry/")
            || n.startsWith("net/bytebuddy/") || n.startsWith("org/objectweb/asm/"),
            "not relocated: " + n);
        assertFalse(n.startsWith("META-INF/native/"), "native library in the agent: " + n);
      }
      assertTrue(names.contains("io/memspan/shaded/netty/channel/nio/NioIoHandler.class"));
      assertTrue(names.contains(
          "META-INF/services/io.memspan.shaded.otel.sdk.common.export.HttpSenderProvider"));
      String provider = new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/io.memspan.shaded.otel.sdk.common.export.GrpcSenderProvider"))
          .readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals("io.memspan.agent.export.netty.NettyGrpcSenderProvider", provider);
    }
  }

  /**
   * kernel=off: the agent never loads its JNA. kernel=rusage: the agent's JNA (5.19, not
   * relocated, kept apart only by the agent's class loader) loads and calls getrusage around
   * every armed op, in the same JVM as the application's JNA 5.13 calling getpid: each must
   * find its own classes and its own native dispatch library.
   */
  @ParameterizedTest(name = "memspan.kernel={0}")
  @ValueSource(strings = {"off", "rusage"})
  void applicationKeepsItsOwnLibrariesAndTheAgentStillExports(String kernel, @TempDir Path tmp)
      throws Exception {
    try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
      assertTrue(jar.getEntry("io/memspan/agent/MemspanAgent.class") != null,
          "the agent jar holds the agent runtime (MemspanAgent)");
    }
    List<String> base = javaCommand();
    Result plain = run(base, List.of(), tmp.resolve("plain"));
    assertEquals(0, plain.exit, plain.err);
    String out = plain.out;
    assertTrue(out.contains("netty netty-buffer-4.1.118.Final.jar netty says hi"), out);
    assertTrue(out.contains("otel opentelemetry-sdk-trace-1.55.0.jar span valid=true"), out);
    assertTrue(out.contains("bytebuddy byte-buddy-1.14.18.jar made clash.Made"), out);
    assertTrue(out.contains("jna jna-5.13.0.jar getpid ok=true"), out);
    assertTrue(out.contains("jna again getpid ok=true"), out);
    assertTrue(out.contains("asm asm-9.5.jar wrote "), out);
    assertEquals(1, jnidispatchMapped(plain).size(), plain.err);

    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      Result agent = run(base, List.of(
          "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=memspan.kernel=" + kernel
              + ",memspan.instrument=premain,memspan.sample.rate=1",
          "-Dotel.exporter.otlp.endpoint=" + rx.endpoint(),
          "-Dotel.metric.export.interval=200",
          "-Dotel.bsp.schedule.delay=100",
          "-Dotel.service.name=clash-app"), tmp.resolve("agent"));
      assertEquals(0, agent.exit, agent.err);
      assertEquals(out, agent.out, "the application's output changed under the agent\n"
          + agent.err);
      assertFalse(agent.err.contains("memspan: disabled"), agent.err);
      String source = kernel.equals("rusage") ? "rusage" : "none";
      assertTrue(agent.err.contains(kernel.equals("rusage")
          ? "memspan: kernel source rusage (memspan.kernel=rusage): fault counts only\n"
          : "memspan: kernel source none (memspan.kernel=off)"), agent.err);
      // the application's JNA native library, and with rusage the agent's as well: two copies
      // of jnidispatch, of two versions, mapped in one process
      assertEquals(kernel.equals("rusage") ? 2 : 1, jnidispatchMapped(agent).size(), agent.err);
      // Spans of the application's own list growing, attributed to its line of code, with
      // faults counted by the chosen source (the second list grows after the pause, when the
      // agent's background kernel source is open for certain).
      rx.awaitSpans(1, Duration.ofSeconds(15));
      assertTrue(rx.spans().stream().anyMatch(sp -> sp.getName().equals("ArrayList.grow")
          && attribute(sp, "code.function.name").equals(ClashApp.class.getName() + ".main")
          && attribute(sp, "memspan.kernel.source").equals(source)),
          "no ArrayList.grow span from ClashApp.main with memspan.kernel.source=" + source
              + " among " + rx.spans().stream().map(sp -> sp.getName() + " "
                  + attribute(sp, "code.function.name") + " "
                  + attribute(sp, "memspan.kernel.source")).toList()
              + "; " + agent.err);
      Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), Duration.ofSeconds(15));
      assertTrue(sum(ops, Map.of("memspan.structure.type", "ArrayList")) > 0, ops.toString());
      KeyValue service = rx.metricRequests().get(0).body().getResourceMetrics(0).getResource()
          .getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
          .findFirst().orElseThrow();
      assertEquals("clash-app", service.getValue().getStringValue());
    }
  }

  private static String attribute(Span sp, String key) {
    return sp.getAttributesList().stream().filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().getStringValue()).findFirst().orElse("");
  }

  /** The jnidispatch files the application said its JVM had mapped (ClashApp, on stderr). */
  private static List<String> jnidispatchMapped(Result r) {
    String line = r.err.lines().filter(l -> l.startsWith("jnidispatch mapped: ")).findFirst()
        .orElseThrow(() -> new AssertionError("no jnidispatch line: " + r.err));
    String list = line.substring("jnidispatch mapped: [".length(), line.length() - 1);
    return list.isEmpty() ? List.of() : List.of(list.split(", "));
  }

  @Test
  void absentCollectorLeavesTheApplicationUnchangedAndSaysWhatWasLost(@TempDir Path tmp)
      throws Exception {
    try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
      assertTrue(jar.getEntry("io/memspan/agent/MemspanAgent.class") != null,
          "the agent jar holds the agent runtime (MemspanAgent)");
    }
    int closedPort;
    try (OtlpHttpReceiver gone = OtlpHttpReceiver.start()) {
      closedPort = gone.port();
    }
    List<String> base = javaCommand();
    Result plain = run(base, List.of(), tmp.resolve("plain"));
    Result agent = run(base, List.of(
        "-javaagent:" + AGENT_JAR.toAbsolutePath()
            + "=memspan.kernel=off,memspan.instrument=premain,memspan.sample.rate=1",
        "-Dotel.exporter.otlp.endpoint=http://localhost:" + closedPort,
        "-Dotel.bsp.schedule.delay=100"), tmp.resolve("agent"));
    assertEquals(0, agent.exit, agent.err);
    assertEquals(plain.out, agent.out, "the application's output changed under the agent");
    String line = agent.err.lines().filter(l -> l.startsWith("memspan: export to")).findFirst()
        .orElseThrow(() -> new AssertionError("no export summary line: " + agent.err));
    assertTrue(line.startsWith("memspan: export to http://localhost:" + closedPort
        + "/v1/traces (http/protobuf): 0 spans sent"), line);
    assertTrue(line.contains("nothing listening at localhost:" + closedPort)
        || line.contains("unsent at exit"), line);
  }

  private static List<String> javaCommand() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    // The application's own ByteBuddy 1.14 needs this on JDKs newer than it knows; the agent's
    // relocated copy reads its own, relocated, property and is not affected.
    cmd.add("-Dnet.bytebuddy.experimental=true");
    String libs;
    try (Stream<Path> s = Files.list(APP_LIBS)) {
      libs = s.map(p -> p.toAbsolutePath().toString()).sorted()
          .collect(Collectors.joining(File.pathSeparator));
    }
    cmd.add("-cp");
    cmd.add(Path.of("target", "test-classes").toAbsolutePath() + File.pathSeparator + libs);
    return cmd;
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(List<String> base, List<String> extra, Path dir) throws Exception {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(base);
    cmd.addAll(1, extra);
    cmd.add(ClashApp.class.getName());
    cmd.add("3000");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("application did not finish: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
