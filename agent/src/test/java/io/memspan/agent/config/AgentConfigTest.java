package io.memspan.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void everyKeyTheReadmeListsIsAccepted() {
    for (String key : ConfigKeys.known()) {
      AgentConfig.load(key + "=x"); // unknown would throw; values are checked later, by Settings
    }
    assertTrue(ConfigKeys.known().contains(ConfigKeys.INSTRUMENT));
    assertTrue(ConfigKeys.known().stream().noneMatch(k -> k.endsWith("_DEFAULT")));
  }
}
