package io.memspan.agent.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Agent arguments as a user types them: short names, typos, and what the error says. */
class AgentConfigTest {

  @Test
  void shortNamesAreMemspanKeysAndOtelKeysStayAsTheyAre() {
    AgentConfig c = AgentConfig.load("threshold=0, otel.service.name=shop,kernel=off");
    assertEquals("0", c.raw(ConfigKeys.THRESHOLD));
    assertEquals("shop", c.raw(ConfigKeys.SERVICE_NAME));
    assertEquals("off", c.raw(ConfigKeys.KERNEL));
  }

  @Test
  void aTypoIsAnErrorThatNamesItAndSuggestsTheKeyMeant() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfig.load("kernel=off,threshhold=0"));
    assertEquals("agent argument memspan.threshhold is not a memspan setting; did you mean "
        + "memspan.threshold?", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> AgentConfig.load("otel.exporter.otlp.endpiont=http://collector:4318"));
    assertTrue(e.getMessage().endsWith("did you mean otel.exporter.otlp.endpoint?"),
        e.getMessage());
  }

  @Test
  void somethingNotCloseToAnyKeyPointsAtTheReadme() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfig.load("otel.propagators=tracecontext"));
    assertEquals("agent argument otel.propagators is not a memspan setting (see the README's "
        + "configuration table)", e.getMessage());
  }

  @Test
  void everyKeyTheReadmeListsIsAcceptedAndEveryKeyIsListed() throws Exception {
    Map<String, String> readme = readmeConfigurationTable();
    // a parse that found nothing would make both directions pass vacuously
    assertTrue(readme.size() >= 30, "too few rows parsed from " + README + ": " + readme);
    for (Map.Entry<String, String> row : readme.entrySet()) {
      String key = row.getKey();
      // the parser itself: an unknown key throws (values are checked later, by Settings)
      AgentConfig c = assertDoesNotThrow(() -> AgentConfig.load(key + "=x"),
          "the README lists " + key + ", which the agent refuses");
      assertEquals("x", c.raw(key), key);
      assertEquals(key.toUpperCase(Locale.ROOT).replace('.', '_'), row.getValue(),
          "environment column of " + key);
    }
    Set<String> undocumented = new TreeSet<>(ConfigKeys.known());
    undocumented.removeAll(readme.keySet());
    assertEquals(Set.of(), undocumented, "keys the agent reads but " + README + "'s "
        + "configuration table does not list");
    assertTrue(ConfigKeys.known().contains(ConfigKeys.INSTRUMENT));
    assertTrue(ConfigKeys.known().stream().noneMatch(k -> k.endsWith("_DEFAULT")));
  }

  /**
   * The repository README's table under "## Configuration" (the one the agent's error message
   * points users to): key (first column) to environment variable (second column). Tests run in
   * the agent module, so the README is one level up.
   */
  private static Map<String, String> readmeConfigurationTable() throws Exception {
    assertTrue(Files.isRegularFile(README), README.toAbsolutePath() + " missing");
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(README)) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Configuration");
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (inSection && m.matches()) {
        assertNull(rows.put(m.group(1), m.group(2)), "listed twice: " + m.group(1));
      }
    }
    return rows;
  }

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern ROW = Pattern.compile("\\| `([^`]+)` \\| `([^`]+)` \\|.*");
}
