package io.memspan.bench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.config.ConfigKeys;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The top-level README says what the code does: keys, defaults, flags, schema, doctor checks, files. */
class ReadmeIT {

  static String readme;

  @BeforeAll
  static void read() throws IOException {
    readme = Files.readString(Build.home().resolve("README.md"));
  }

  @Test
  void opensWithTheQuestionAndTheTwoCommands() {
    List<String> first = readme.lines().limit(8).toList();
    assertTrue(first.get(0).startsWith("# memspan"), first.toString());
    assertTrue(first.stream().anyMatch(l -> l.startsWith("./memspan demo")), first.toString());
    assertTrue(first.stream().anyMatch(l -> l.startsWith("./memspan test")), first.toString());
  }

  @Test
  void configurationTableHasEveryKeyWithItsEnvironmentNameAndDefault() throws Exception {
    Map<String, String[]> rows = configRows();
    Set<String> missing = new TreeSet<>(Build.configKeys());
    missing.removeAll(rows.keySet());
    Set<String> stale = new TreeSet<>(rows.keySet());
    stale.removeAll(Build.configKeys());
    assertTrue(missing.isEmpty() && stale.isEmpty(), "README.md's Configuration table must list exactly"
        + " ConfigKeys' keys: add rows for " + missing + ", remove rows for " + stale);
    for (Map.Entry<String, String[]> row : rows.entrySet()) {
      assertEquals("`" + Build.envName(row.getKey()) + "`", row.getValue()[1], row.getKey());
    }
    for (Field f : ConfigKeys.class.getFields()) {
      if (f.getType() != String.class || f.getName().contains("DEFAULT")) {
        continue;
      }
      String key = (String) f.get(null);
      Object dflt = defaultOf(f.getName());
      if (dflt != null) {
        assertEquals("`" + dflt + "`", rows.get(key)[2], "default of " + key + " (ConfigKeys."
            + f.getName() + "_DEFAULT)");
      }
    }
  }

  @Test
  void everyLauncherFlagIsDocumented() throws Exception {
    for (String cmd : List.of("demo", "run", "attach", "detach", "doctor")) {
      String help = run(Build.home().resolve("memspan").toString(), cmd, "--help");
      Matcher m = Pattern.compile("(?m)^\\s+(--[a-z][a-z-]*)").matcher(help);
      int n = 0;
      while (m.find()) {
        n++;
        if (!m.group(1).equals("--help")) {
          assertTrue(readme.contains("`" + m.group(1)), "README documents memspan " + cmd + " " + m.group(1));
        }
      }
      assertTrue(n >= 1, "parsed the flags of memspan " + cmd + " --help:\n" + help);
    }
  }

  @Test
  void collectorDefaultsAreTheCodes() throws Exception {
    for (String listener : List.of("--http", "--grpc", "--ui")) {
      assertTrue(readme.contains("`127.0.0.1:" + Build.collectorDefaultPort(listener) + "`"),
          "README gives the collector's default " + listener + " address");
    }
  }

  @Test
  void spanSchemaNamesEveryAttributeTheCollectorReads() throws Exception {
    Class<?> attrs = Class.forName("io.memspan.collector.store.SpanAttributes");
    for (Field f : attrs.getFields()) {
      String name = (String) f.get(null);
      if (f.getName().startsWith("ADVICE_") && !f.getName().equals("ADVICE_SPAN")) {
        String suffix = name.substring("memspan.advice".length());
        assertTrue(readme.contains("`" + suffix + "`") || readme.contains("`" + name + "`"),
            "README's span schema has " + name);
      } else {
        assertTrue(readme.contains("`" + name + "`"), "README's span schema has " + name);
      }
    }
  }

  @Test
  void doctorTableExplainsEveryCheckTheDoctorRuns() throws Exception {
    String out = run(Build.home().resolve("memspan").toString(), "doctor", "--no-load");
    Set<String> checks = new TreeSet<>();
    for (String line : out.split("\n")) {
      Matcher m = Pattern.compile("^(ok|warn|FAIL)\\s+(.+?)(\\s{2,}|$)").matcher(line);
      if (m.find()) {
        String check = m.group(2).startsWith("tracepoint ") ? "tracepoint" : m.group(2);
        checks.add(check);
      }
    }
    assertTrue(checks.size() >= 6, "parsed the doctor's checks:\n" + out);
    String table = readme.substring(readme.indexOf("## `memspan doctor`"));
    for (String check : checks) {
      assertTrue(table.contains("| " + check), "README's doctor table explains '" + check + "'");
    }
  }

  @Test
  void everyLinkedFileExists() {
    Matcher m = Pattern.compile("\\]\\(([^)#:]+)\\)").matcher(readme);
    int n = 0;
    while (m.find()) {
      n++;
      assertTrue(Files.exists(Build.home().resolve(m.group(1))), "README links " + m.group(1));
    }
    assertTrue(n >= 1, "the README shows the page's picture");
  }

  /** key → cells of the configuration table (key, environment, default, meaning). */
  private static Map<String, String[]> configRows() {
    String section = readme.substring(readme.indexOf("## Configuration"));
    section = section.substring(0, section.indexOf("\n## "));
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      for (String c : line.substring(1, line.length() - 1).split(" \\| ")) {
        cells.add(c.strip());
      }
      String key = cells.get(0).replace("`", "");
      rows.put(key, cells.toArray(new String[0]));
    }
    return rows;
  }

  /** The value of ConfigKeys.&lt;name&gt;_DEFAULT, or null when there is none. */
  private static Object defaultOf(String name) throws IllegalAccessException {
    try {
      return ConfigKeys.class.getField(name + "_DEFAULT").get(null);
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MEMSPAN_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish");
    }
    return out;
  }
}
