package io.memspan.agent.export;

/**
 * Something that owns counters the exporter should publish as OTLP metrics. Called from the
 * exporter's collection thread at each export interval; must not block.
 */
@FunctionalInterface
public interface MetricSource {
  void collect(MetricWriter writer);

  /** Receives cumulative values; labels are alternating key, value. */
  interface MetricWriter {
    void counter(String name, String unit, String description, long value, String... labels);

    void gauge(String name, String unit, String description, double value, String... labels);
  }
}
