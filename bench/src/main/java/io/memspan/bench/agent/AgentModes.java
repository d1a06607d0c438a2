package io.memspan.bench.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child-JVM configurations every agent A/B compares: no agent, then the agent in each kernel
 * mode. Spans and metrics are not exported ({@code otel.*.exporter=none}), so a run measures the
 * application-side cost. Shared by {@link AgentOverhead} (JMH) and the whole-workload A/B.
 */
public final class AgentModes {
  public static final String NO_AGENT = "no agent";

  private AgentModes() {}

  /** The built agent jar, or a clear error naming the missing path. */
  public static Path agentJar(String path) {
    Path agent = Path.of(path);
    if (!Files.isRegularFile(agent)) {
      throw new IllegalArgumentException(agent + " not found: build the agent first");
    }
    return agent.toAbsolutePath();
  }

  /** A {@code -javaagent} argument with exporters off and the given extra options. */
  public static String javaagent(Path agent, String options) {
    return "-javaagent:" + agent + "=otel.traces.exporter=none,otel.metrics.exporter=none"
        + (options.isEmpty() ? "" : "," + options);
  }

  /** JVM flags every configuration gets, so the only difference between them is the agent. */
  public static List<String> baseJvmArgs() {
    List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
    if (Runtime.version().feature() >= 24) {
      jvm.add("--enable-native-access=ALL-UNNAMED");
      jvm.add("--sun-misc-unsafe-memory-access=allow");
    }
    return jvm;
  }

  /** Name to extra JVM arguments, in the order a round runs them; options go to every agent. */
  public static Map<String, List<String>> kernelModes(Path agent, String options, List<String> kernels) {
    Map<String, List<String>> configs = new LinkedHashMap<>();
    configs.put(NO_AGENT, List.of());
    String prefix = options.isEmpty() ? "" : options + ",";
    for (String kernel : kernels) {
      configs.put("agent, kernel=" + kernel, List.of(javaagent(agent, prefix + "kernel=" + kernel)));
    }
    return configs;
  }

  /**
   * Agent configurations given by name, e.g. {@code disabled -> memspan.enabled=false}; a name
   * ends up in the raw runs' columns and header, so it may not hold a tab, a '|' or a line break.
   */
  public static Map<String, List<String>> namedModes(Path agent, Map<String, String> named) {
    Map<String, List<String>> configs = new LinkedHashMap<>();
    named.forEach((name, options) -> {
      if (name.isBlank() || name.equals(NO_AGENT) || name.matches("(?s).*[\\t|\\n\\r].*")) {
        throw new IllegalArgumentException("mode name '" + name + "' is empty, '" + NO_AGENT
            + "' or holds a tab, '|' or line break");
      }
      configs.put("agent, " + name, List.of(javaagent(agent, options)));
    });
    return configs;
  }
}
