package io.memspan.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentModesTest {
  private static final Path AGENT = Path.of("/opt/memspan-agent.jar");

  @Test
  void namedModesKeepTheirOrderAndAppendTheirOptionsAfterExportersOff() {
    Map<String, String> named = new LinkedHashMap<>();
    named.put("disabled", "memspan.enabled=false");
    named.put("never armed", "kernel=off,memspan.threshold=1000000000");
    Map<String, List<String>> modes = AgentModes.namedModes(AGENT, named);
    assertEquals(List.of("agent, disabled", "agent, never armed"), List.copyOf(modes.keySet()));
    assertEquals(List.of("-javaagent:/opt/memspan-agent.jar=otel.traces.exporter=none,"
            + "otel.metrics.exporter=none,kernel=off,memspan.threshold=1000000000"),
        modes.get("agent, never armed"));
  }

  @Test
  void aNameThatWouldBreakTheRawRunsIsRefusedByName() {
    for (String bad : List.of("", " ", "a|b", "a\tb", "a\nb", AgentModes.NO_AGENT)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AgentModes.namedModes(AGENT, Map.of(bad, "kernel=off")));
      assertTrue(e.getMessage().startsWith("mode name '" + bad + "'"), e.getMessage());
    }
  }
}
