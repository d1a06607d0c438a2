package io.memspan.collector.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The collector's one metrics registry, rendered as Prometheus text on {@code /metrics}.
 *
 * <p>Every part of the collector (receiver, spool, dispatcher, store, forwarders) registers its
 * counters and gauges here; {@code CollectorMain} creates one instance and passes it to each part.
 * Names follow Prometheus conventions: {@code memspan_collector_<what>_total} for counters, a base
 * unit in the name for gauges ({@code _bytes}, {@code _records}). Labels are given as alternating
 * name/value strings: {@code metrics.counter("memspan_collector_sink_delivered_total", "Entries a
 * sink accepted", "sink", sink.name())}.
 *
 * <p>Registering the same name and labels twice returns the same counter, so callers need not
 * keep references unless they are on a hot path (they should: {@link Counter#inc()} is a {@link
 * LongAdder} increment). All methods are thread-safe.
 */
public final class Metrics {

  /** A monotonically increasing count. */
  public static final class Counter {
    private final LongAdder adder = new LongAdder();

    public void inc() {
      adder.increment();
    }

    public void add(long n) {
      adder.add(n);
    }

    public long get() {
      return adder.sum();
    }
  }

  private enum Type {
    COUNTER,
    GAUGE
  }

  private record Family(String name, String help, Type type, Map<String, Series> series) {}

  private record Series(String labels, LongSupplier value) {}

  private final Map<String, Family> families = new ConcurrentHashMap<>();

  /** Returns the counter with this name and labels, creating it (and its family) on first use. */
  public Counter counter(String name, String help, String... labels) {
    Family family = family(name, help, Type.COUNTER);
    String key = renderLabels(labels);
    Counter counter = new Counter();
    Series existing = family.series.putIfAbsent(key, new Series(key, new CounterValue(counter)));
    if (existing != null) {
      return ((CounterValue) existing.value).counter;
    }
    return counter;
  }

  /**
   * Registers a gauge read at scrape time (spool bytes, a sink's lag). Registering again with the
   * same name and labels replaces the supplier.
   */
  public void gauge(String name, String help, LongSupplier value, String... labels) {
    Family family = family(name, help, Type.GAUGE);
    String key = renderLabels(labels);
    family.series.put(key, new Series(key, value));
  }

  /** Removes a gauge (a sink that was closed), so a stale supplier is not kept alive. */
  public void removeGauge(String name, String... labels) {
    Family family = families.get(name);
    if (family != null) {
      family.series.remove(renderLabels(labels));
    }
  }

  /** Current value of a series, or -1 when it does not exist; for tests and logs. */
  public long value(String name, String... labels) {
    Family family = families.get(name);
    if (family == null) {
      return -1;
    }
    Series s = family.series.get(renderLabels(labels));
    return s == null ? -1 : s.value.getAsLong();
  }

  /** The Prometheus text exposition format (version 0.0.4), families sorted by name. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    for (Family f : new TreeMap<>(families).values()) {
      out.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
      out.append("# TYPE ").append(f.name).append(' ')
          .append(f.type == Type.COUNTER ? "counter" : "gauge").append('\n');
      List<Series> all = new ArrayList<>(new TreeMap<>(f.series).values());
      for (Series s : all) {
        long v;
        try {
          v = s.value.getAsLong();
        } catch (RuntimeException e) {
          continue; // a gauge whose owner is closing; skip rather than fail the scrape
        }
        out.append(f.name).append(s.labels).append(' ').append(v).append('\n');
      }
    }
    return out.toString();
  }

  private Family family(String name, String help, Type type) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a Prometheus metric name: " + name);
    }
    Family f = families.computeIfAbsent(name, n -> new Family(n, help, type, new ConcurrentHashMap<>()));
    if (f.type != type) {
      throw new IllegalArgumentException(name + " is already registered as a " + f.type);
    }
    return f;
  }

  private static String renderLabels(String[] labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels must be name/value pairs");
    }
    if (labels.length == 0) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(labels[i]).append("=\"").append(escapeValue(labels[i + 1])).append('"');
    }
    return b.append('}').toString();
  }

  private static String escapeValue(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private record CounterValue(Counter counter) implements LongSupplier {
    @Override
    public long getAsLong() {
      return counter.get();
    }
  }
}
