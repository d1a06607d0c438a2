package io.memspan.collector.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void rendersCountersAndGaugesInPrometheusTextFormat() {
    Metrics m = new Metrics();
    Metrics.Counter a = m.counter("memspan_collector_rejected_total", "Rejected requests", "reason", "too_large");
    a.add(3);
    m.counter("memspan_collector_rejected_total", "Rejected requests", "reason", "malformed").inc();
    m.gauge("memspan_collector_spool_bytes", "Bytes on disk", () -> 4096);
    assertSame(a, m.counter("memspan_collector_rejected_total", "Rejected requests", "reason", "too_large"));
    assertEquals(
        "# HELP memspan_collector_rejected_total Rejected requests\n"
            + "# TYPE memspan_collector_rejected_total counter\n"
            + "memspan_collector_rejected_total{reason=\"malformed\"} 1\n"
            + "memspan_collector_rejected_total{reason=\"too_large\"} 3\n"
            + "# HELP memspan_collector_spool_bytes Bytes on disk\n"
            + "# TYPE memspan_collector_spool_bytes gauge\n"
            + "memspan_collector_spool_bytes 4096\n",
        m.render());
  }

  @Test
  void escapesLabelValues() {
    Metrics m = new Metrics();
    m.counter("x_total", "h", "sink", "up\"stream\\\n").inc();
    assertEquals("x_total{sink=\"up\\\"stream\\\\\\n\"} 1", m.render().lines().skip(2).findFirst().orElseThrow());
  }

  @Test
  void rejectsBadNamesAndTypeClashes() {
    Metrics m = new Metrics();
    assertThrows(IllegalArgumentException.class, () -> m.counter("bad name", "h"));
    m.counter("a_total", "h");
    assertThrows(IllegalArgumentException.class, () -> m.gauge("a_total", "h", () -> 1));
  }

  @Test
  void logLinesAreLogfmt() {
    assertEquals("level=info event=listening http=127.0.0.1:4318 note=\"a b\" q=\"x=\\\"y\\\"\"",
        Log.format("info", "listening", "http", "127.0.0.1:4318", "note", "a b", "q", "x=\"y\""));
  }
}
