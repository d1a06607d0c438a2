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

  /**
   * Parses {@code key=value,key=value}; a malformed entry, or a key memspan does not know (a typo
   * would otherwise be ignored without a word), is an error that names it.
   */
  public static AgentConfig load(String agentArgs) {
    Map<String, String> args = parseArgs(agentArgs);
    if (!args.isEmpty()) {
      checkKnown(args.keySet(), ConfigKeys.known());
    }
    return new AgentConfig(args, new SystemSource(false), new SystemSource(true));
  }

  /**
   * Only agent arguments are checked: system properties and the environment are shared with the
   * application and everything else in the JVM.
   */
  static void checkKnown(Iterable<String> keys, java.util.Set<String> known) {
    for (String key : keys) {
      if (!known.contains(key)) {
        String near = nearest(key, known);
        throw new ConfigException("agent argument " + key + " is not a memspan setting"
            + (near == null ? " (see the README's configuration table)"
                : "; did you mean " + near + "?"));
      }
    }
  }

  /** The known key fewest single-character edits away, if it is close enough to be a typo. */
  private static String nearest(String key, Iterable<String> known) {
    String best = null;
    int bestDistance = 4;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * System properties or the environment; a class, not {@code System::getProperty}: the first
   * method reference in a JVM costs premain a lambda bootstrap (milliseconds).
   */
  private static final class SystemSource implements Function<String, String> {
    private final boolean environment;

    SystemSource(boolean environment) {
      this.environment = environment;
    }

    @Override
    public String apply(String name) {
      return environment ? System.getenv(name) : System.getProperty(name);
    }
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
        key = "memspan.".concat(key);
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

  /** A whole number in [min, max]; out of range is an error naming the key and the range. */
  public long longValue(String key, long def, long min, long max) {
    long v = longValue(key, def);
    if (v < min || v > max) {
      throw new ConfigException(key + "=" + v + " is out of range [" + min + ", " + max + "]");
    }
    return v;
  }

  /**
   * A duration in milliseconds: a whole number of milliseconds as the OpenTelemetry
   * specification says, or a number with {@code ms}, {@code s} or {@code m}.
   */
  public long millis(String key, long def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    String s = v.toLowerCase(Locale.ROOT);
    long unit = 1;
    if (s.endsWith("ms")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      s = s.substring(0, s.length() - 1);
      unit = 1000;
    } else if (s.endsWith("m")) {
      s = s.substring(0, s.length() - 1);
      unit = 60_000;
    }
    try {
      long n = Long.parseLong(s.trim());
      if (n < 0) {
        throw new ConfigException(key + "=" + v + " is negative");
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(key + "=" + v
          + " is not a duration (milliseconds, or a number with ms, s or m)");
    }
  }

  /** One of {@code allowed} (case-insensitive, returned lower-case), or an error listing them. */
  public String oneOf(String key, String def, String... allowed) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(lower)) {
        return a;
      }
    }
    throw new ConfigException(key + "=" + v + " is not one of " + String.join(", ", allowed));
  }

  /** The first of {@code keys} that is set, or null: per-signal keys before general ones. */
  public String firstRaw(String... keys) {
    for (String k : keys) {
      String v = raw(k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** Which of {@code keys} is set first (for error messages), or the last key. */
  public String firstSetKey(String... keys) {
    for (String k : keys) {
      if (raw(k) != null) {
        return k;
      }
    }
    return keys[keys.length - 1];
  }

  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
