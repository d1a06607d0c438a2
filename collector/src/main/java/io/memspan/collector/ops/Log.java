package io.memspan.collector.ops;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Structured logging: one line per event, {@code ts=... level=... event=... key=value ...}, on
 * standard output. Values containing spaces, quotes or '=' are quoted, so every line parses as
 * logfmt. Use it from every part of the collector:
 * {@code Log.info("sink_retry", "sink", name, "delay_ms", 250, "error", e.getMessage())}.
 */
public final class Log {
  private static volatile PrintStream out = System.out;

  private Log() {}

  public static void info(String event, Object... keyValues) {
    write("info", event, keyValues);
  }

  public static void warn(String event, Object... keyValues) {
    write("warn", event, keyValues);
  }

  public static void error(String event, Object... keyValues) {
    write("error", event, keyValues);
  }

  /** Redirects the log (tests); the default is standard output. */
  public static void to(PrintStream stream) {
    out = stream;
  }

  /** Formats one line without the timestamp; exposed for tests. */
  static String format(String level, String event, Object... keyValues) {
    StringBuilder b = new StringBuilder(128);
    b.append("level=").append(level).append(" event=").append(quote(event));
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      b.append(' ').append(keyValues[i]).append('=').append(quote(String.valueOf(keyValues[i + 1])));
    }
    return b.toString();
  }

  private static void write(String level, String event, Object... keyValues) {
    String line = "ts=" + Instant.now() + " " + format(level, event, keyValues);
    PrintStream s = out;
    synchronized (s) {
      s.println(line);
      s.flush();
    }
  }

  private static String quote(String v) {
    boolean plain = !v.isEmpty();
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 127;
    }
    if (plain) {
      return v;
    }
    StringBuilder b = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
