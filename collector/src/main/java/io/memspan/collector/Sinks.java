package io.memspan.collector;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.SpoolSink;
import java.util.List;

/** Creates the forwarding sinks named on the command line (--upstream, --zipkin). */
final class Sinks {
  private Sinks() {}

  static List<SpoolSink> forwarders(CollectorConfig config, Metrics metrics) {
    if (!config.upstreams().isEmpty() || config.zipkin() != null) {
      throw new IllegalArgumentException("forwarding (--upstream, --zipkin) is not wired yet");
    }
    return List.of();
  }
}
