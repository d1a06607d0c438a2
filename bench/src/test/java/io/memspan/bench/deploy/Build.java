package io.memspan.bench.deploy;

import io.memspan.agent.config.ConfigKeys;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** What the build and the code say, for checking deploy/ and the README against them. */
final class Build {

  private Build() {}

  /** The checkout's root (tests run in bench/). */
  static Path home() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("memspan"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no memspan script above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The project version from the parent pom. */
  static String version() throws IOException {
    String pom = Files.readString(home().resolve("pom.xml"));
    Matcher m = Pattern.compile("<artifactId>memspan-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    if (!m.find()) {
      throw new IllegalStateException("no memspan-parent version in pom.xml");
    }
    return m.group(1);
  }

  private static final Pattern KEY = Pattern.compile("(memspan|otel)\\.[a-z0-9._-]+");

  /** Every configuration key in ConfigKeys (property form), in name order: its non-default constants. */
  static Set<String> configKeys() throws IllegalAccessException {
    Set<String> keys = new TreeSet<>();
    for (Field f : ConfigKeys.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
          && !f.getName().contains("DEFAULT")) {
        String v = (String) f.get(null);
        if (!KEY.matcher(v).matches()) {
          throw new IllegalStateException("ConfigKeys." + f.getName() + " = '" + v
              + "' is neither a key (memspan.* / otel.*) nor a *_DEFAULT");
        }
        keys.add(v);
      }
    }
    return keys;
  }

  /** The environment-variable form of a key, as the agent reads it. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static Set<String> configEnvNames() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (String k : configKeys()) {
      names.add(envName(k));
    }
    return names;
  }

  /** A collector listener's default port, read from the {@code --http/--grpc/--ui} option's default. */
  static int collectorDefaultPort(String option) throws ClassNotFoundException {
    Class<?> main = Class.forName("io.memspan.collector.CollectorMain");
    for (Field f : main.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o != null && Set.of(o.names()).contains(option) && f.getType() == InetSocketAddress.class) {
        String v = o.defaultValue();
        return Integer.parseInt(v.substring(v.lastIndexOf(':') + 1));
      }
    }
    throw new IllegalStateException("CollectorMain has no " + option + " HOST:PORT option");
  }
}
