package io.memspan.bench.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.memspan.bench.cli.HttpGet;
import io.memspan.bpf.BpfRequirement;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's main paths as a user runs them, against the built agent, collector and clients:
 * {@code memspan demo}, {@code memspan run} and {@code memspan attach} on real Java programs.
 */
class LauncherEndToEndIT {

  private static final Pattern ATTRIBUTED =
      Pattern.compile("attributed to operations \\(([\\d,]+) spans\\)\\s+([\\d,]+)");
  private static final Pattern PAGE = Pattern.compile("Page: (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir Path tmp;

  @Test
  void demoRunsEndToEndAndStopsWhatItStarted() throws Exception {
    long t0 = System.nanoTime();
    Launcher.Result r = Launcher.run(300, Map.of(), "demo", "--no-build");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    System.out.println("memspan demo --no-build took " + seconds + " s; it printed:\n" + r.both());
    assertEquals(0, r.exit(), r.both());
    String out = r.out();
    assertTrue(out.contains("round 2: 200000 records"), "the workload ran to its end");
    assertTrue(out.contains("memspan summary for service memspan-demo"), out);
    for (String section : List.of("Top operations by page faults", "Top operations by bytes copied",
        "Fault coverage", "Call-site advice")) {
      assertTrue(out.contains("\n" + section), "summary has " + section);
    }
    List<String> advice = tableRows(out, "Call-site advice");
    assertFalse(advice.isEmpty(), "at least one advice row:\n" + out);
    assertTrue(advice.stream().anyMatch(row -> row.contains("io.memspan.bench.workload") || row.matches(
        ".*(LogParser|EndpointStats|InvertedIndex|HitCounter|Report)\\.[a-zA-Z]+:\\d+.*")),
        "advice names the workload's own call sites:\n" + String.join("\n", advice));
    assertFalse(tableRows(out, "Top operations by bytes copied").isEmpty(), out);

    // Faults come from the kernel: with eBPF here (required in CI) they are attributed exactly.
    BpfRequirement.assumeAvailable();
    Matcher m = ATTRIBUTED.matcher(out);
    assertTrue(m.find(), out);
    long faults = Long.parseLong(m.group(2).replace(",", ""));
    assertTrue(faults > 0, "attributed faults > 0:\n" + out);
    assertTrue(out.contains("(kernel source: bcc"), "the agent used eBPF:\n" + out);
    assertFalse(tableRows(out, "Top operations by page faults").isEmpty(), out);

    // Everything it started is gone: the page no longer answers.
    Matcher page = PAGE.matcher(out);
    assertTrue(page.find(), "the summary ends with the page's URL:\n" + out);
    try (HttpGet http = new HttpGet(null)) {
      http.get(URI.create(page.group(1) + "api/stats"), 2_000);
      fail("the demo's collector still answers at " + page.group(1));
    } catch (IOException expected) {
      // connection refused: stopped
    }
  }

  @Test
  void runStartsACollectorAttachesTheAgentAndKeepsTheExitStatus() throws Exception {
    Path program = tmp.resolve("Grow.java");
    Files.writeString(program, ""
        + "import java.util.*;\n"
        + "public class Grow {\n"
        + "  public static void main(String[] a) {\n"
        + "    Map<Integer, List<Integer>> m = new HashMap<>();\n"
        + "    for (int i = 0; i < 400_000; i++) m.computeIfAbsent(i % 50_000, k -> new ArrayList<>()).add(i);\n"
        + "    List<Integer> all = new ArrayList<>();\n"
        + "    for (List<Integer> l : m.values()) all.addAll(l);\n"
        + "    System.out.println(\"grew \" + m.size() + \" keys, \" + all.size() + \" values\");\n"
        + "    System.exit(3);\n"
        + "  }\n"
        + "}\n");
    // instrument=premain: the program is short, so its ops must not happen before the probes are in.
    Launcher.Result r = Launcher.run(240, Map.of(), "run", "--no-build", "--service", "it-run",
        "--agent-args", "instrument=premain", "--",
        Launcher.java(), program.toString());
    assertEquals(3, r.exit(), "run exits with the program's status:\n" + r.both());
    assertTrue(r.out().contains("grew 50000 keys, 400000 values"), r.both());
    assertTrue(r.out().contains("memspan summary for service it-run"), r.both());
    assertTrue(r.err().contains("the command exited with status 3"), r.err());
    assertFalse(tableRows(r.out(), "Top operations by bytes copied").isEmpty(),
        "spans of the program's growth reached the embedded collector:\n" + r.out());
  }

  @Test
  void runWithEndpointExportsThere() throws Exception {
    try (TestCollector collector = new TestCollector()) {
      Launcher.Result r = Launcher.run(180, Map.of(), "run", "--no-build", "--endpoint",
          collector.otlpHttp(), "--service", "it-run-endpoint", "--agent-args", "instrument=premain",
          "--", Launcher.java(), "-cp",
          demoJar().toString(), "io.memspan.bench.workload.DemoWorkload", "--lines", "50000",
          "--rounds", "1");
      assertEquals(0, r.exit(), r.both());
      assertTrue(r.out().contains("round 1: 50000 records"), r.both());
      JsonNode spans = collector.awaitSpans("it-run-endpoint", 30);
      assertFalse(spans.isEmpty(), "spans reached the given endpoint; collector log:\n" + collector.log());
      assertTrue(names(spans).stream().anyMatch(n -> n.endsWith(".resize") || n.endsWith(".grow")),
          names(spans).toString());
    }
  }

  @Test
  void attachLoadsTheAgentIntoARunningJvm() throws Exception {
    Path program = tmp.resolve("Serve.java");
    Files.writeString(program, ""
        + "import java.util.*;\n"
        + "public class Serve {\n"
        + "  public static void main(String[] a) throws Exception {\n"
        + "    System.out.println(\"ready\");\n"
        + "    long sum = 0;\n"
        + "    while (true) {\n"
        + "      Map<Integer, Integer> m = new HashMap<>();\n"
        + "      for (int i = 0; i < 200_000; i++) m.put(i, i);\n"
        + "      List<Integer> l = new ArrayList<>(m.values());\n"
        + "      sum += l.size();\n"
        + "      Thread.sleep(50);\n"
        + "    }\n"
        + "  }\n"
        + "}\n");
    try (TestCollector collector = new TestCollector()) {
      Process target = new ProcessBuilder(Launcher.java(), "-XX:+EnableDynamicAgentLoading",
          program.toString()).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("target.out").toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(tmp.resolve("target.out")).contains("ready")) {
          assertTrue(target.isAlive() && System.nanoTime() < deadline, "target started");
          Thread.sleep(100);
        }
        Launcher.Result r = Launcher.run(120, Map.of(), "attach", Long.toString(target.pid()),
            "--no-build", "--endpoint", collector.otlpHttp(), "--service", "it-attach");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("agent loaded into process " + target.pid()), r.both());
        assertTrue(r.out().contains("probes: ArrayList,"), "it says which probes took: " + r.out());
        JsonNode spans = collector.awaitSpans("it-attach", 60);
        assertFalse(spans.isEmpty(), "the attached agent exports; target printed:\n"
            + Files.readString(tmp.resolve("target.out")) + "\ncollector log:\n" + collector.log());
        assertTrue(names(spans).contains("HashMap.resize") || names(spans).contains("ArrayList.grow"),
            names(spans).toString());
        assertTrue(target.isAlive(), "the target keeps running");

        // detach takes the probes out; a second detach finds none; attach puts them back
        String pid = Long.toString(target.pid());
        Launcher.Result off = Launcher.run(120, Map.of(), "detach", pid, "--no-build");
        assertEquals(0, off.exit(), off.both());
        assertTrue(off.out().contains("probes removed from process " + pid), off.both());
        Launcher.Result again = Launcher.run(120, Map.of(), "detach", pid, "--no-build");
        assertEquals(1, again.exit(), again.both());
        assertTrue(again.err().contains("has no memspan probes installed"), again.both());
        Launcher.Result back = Launcher.run(120, Map.of(), "attach", pid, "--no-build");
        assertEquals(0, back.exit(), back.both());
        assertTrue(back.out().contains("probes: ArrayList,"), back.both());
        String log = Files.readString(tmp.resolve("target.out"));
        assertTrue(log.contains("memspan: detached: ") && log.contains("memspan: attached again"),
            log);
        assertTrue(target.isAlive(), "the target keeps running");
      } finally {
        target.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void attachToANonJavaProcessSaysItDidNotTake() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    try {
      Launcher.Result r = Launcher.run(120, Map.of(), "attach", Long.toString(sleeper.pid()), "--no-build");
      assertEquals(1, r.exit(), r.both());
      assertTrue(r.err().contains("cannot attach to process " + sleeper.pid()), r.err());
    } finally {
      sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Path demoJar() throws IOException {
    try (var files = Files.list(Launcher.home().resolve("bench/target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-demo.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("bench/target has no demo jar"));
    }
  }

  private static List<String> names(JsonNode spans) {
    List<String> out = new ArrayList<>();
    spans.forEach(s -> out.add(s.path("name").asText()));
    return out;
  }

  /** The data rows of the summary table under {@code title} (after its header and rule). */
  static List<String> tableRows(String out, String title) {
    List<String> rows = new ArrayList<>();
    String[] lines = out.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith(title)) {
        int j = i + 1;
        if (j < lines.length && lines[j].contains("(none)")) {
          return rows;
        }
        j += 2; // header, rule
        while (j < lines.length && !lines[j].isBlank()) {
          rows.add(lines[j++]);
        }
        return rows;
      }
    }
    throw new AssertionError("no table '" + title + "' in:\n" + out);
  }
}
