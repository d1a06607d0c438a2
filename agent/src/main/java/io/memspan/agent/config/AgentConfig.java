package io.memspan.agent.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The agent's configuration, resolved once at start. Sources, highest precedence first: agent
 * arguments ({@code -javaagent:memspan-agent.jar=key=value,key=value}), system properties
 * ({@code memspan.*}, {@code otel.*}), environment ({@code MEMSPAN_*}, {@code OTEL_*}: the
 * property name upper-cased with dots and dashes as underscores).
 *
 * <p>Every key and its default is defined in {@link ConfigKeys}; nothing else reads the sources.
 */
public final class AgentConfig {

  private final Map<String, String> agentArgs;
  private final Function<String, String> sysProps;
  private final Function<String, String> env;

  AgentConfig(Map<String, String> agentArgs, Function<String, String> sysProps,
      Function<String, String> env) {
    this.agentArgs = agentArgs;
    this.sysProps = sysProps;
    this.env = env;
  }

  /** Parses {@code key=value,key=value}; a malformed entry is an error that names it. */
  public static AgentConfig load(String agentArgs) {
    return new AgentConfig(parseArgs(agentArgs), System::getProperty, System::getenv);
  }

  /** For tests: explicit sources. */
  public static AgentConfig of(Map<String, String> agentArgs, Map<String, String> props,
      Map<String, String> env) {
    return new AgentConfig(Map.copyOf(agentArgs), props::get, env::get);
  }

  static Map<String, String> parseArgs(String args) {
    Map<String, String> out = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return Collections.unmodifiableMap(out);
    }
    for (String part : args.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("agent argument '" + part + "' is not key=value");
      }
      String key = part.substring(0, eq).trim();
      if (!key.startsWith("memspan.") && !key.startsWith("otel.")) {
        key = "memspan." + key;
      }
      out.put(key, part.substring(eq + 1).trim());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The raw value of {@code key} (a property name such as {@code memspan.threshold}), or null. */
  public String raw(String key) {
    String v = agentArgs.get(key);
    if (v == null) {
      v = sysProps.apply(key);
    }
    if (v == null) {
      v = env.apply(envName(key));
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String string(String key, String def) {
    String v = raw(key);
    return v == null ? def : v;
  }

  public long longValue(String key, long def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "=" + v + " is not a whole number");
    }
  }

  public double doubleValue(String key, double def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "=" + v + " is not a number");
    }
  }

  public boolean bool(String key, boolean def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on": return true;
      case "false": case "0": case "no": case "off": return false;
      default: throw new ConfigException(key + "=" + v + " is not true or false");
    }
  }

  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
