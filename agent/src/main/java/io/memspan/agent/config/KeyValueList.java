package io.memspan.agent.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key1=value1,key2=value2} lists of {@code OTEL_EXPORTER_OTLP_HEADERS} and
 * {@code OTEL_RESOURCE_ATTRIBUTES}: values are percent-decoded (W3C Baggage octets), keys and
 * values trimmed, an entry without {@code =} or with an empty key is an error naming it.
 */
public final class KeyValueList {
  private KeyValueList() {}

  public static Map<String, String> parse(String key, String value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return Collections.unmodifiableMap(out);
    }
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || entry.substring(0, eq).isBlank()) {
        throw new ConfigException(key + ": entry '" + entry.trim() + "' is not key=value");
      }
      String k = entry.substring(0, eq).trim();
      String v = entry.substring(eq + 1).trim();
      try {
        // '+' is a literal in baggage octets, not a space as in form encoding.
        v = URLDecoder.decode(v.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": value of '" + k + "' has a bad percent-escape: " + v);
      }
      out.put(k, v);
    }
    return Collections.unmodifiableMap(out);
  }
}
