package io.memspan.collector.spool;

/** Which OTLP export request a spooled record holds. */
public enum Signal {
  TRACES,
  METRICS
}
