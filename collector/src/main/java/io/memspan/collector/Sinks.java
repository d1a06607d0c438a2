package io.memspan.collector;

import io.memspan.collector.forward.ForwarderOptions;
import io.memspan.collector.forward.Forwarders;
import io.memspan.collector.forward.UpstreamHeaders;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.SpoolSink;
import java.util.ArrayList;
import java.util.List;

/** Creates the forwarding sinks named on the command line (--upstream, --upstream-header, --zipkin). */
final class Sinks {
  private Sinks() {}

  static List<SpoolSink> forwarders(CollectorConfig config, Metrics metrics) {
    return new ArrayList<>(
        Forwarders.create(config.upstreams(), config.upstreamProtocol(), config.zipkin(), metrics,
            ForwarderOptions.defaults().withUpstreamHeaders(UpstreamHeaders.parse(config.upstreamHeaders()))));
  }
}
