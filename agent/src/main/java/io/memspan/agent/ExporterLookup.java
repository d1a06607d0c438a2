package io.memspan.agent;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.export.Exporters;
import io.memspan.agent.export.Telemetry;

/** Starts the OTLP exporter (the export package's factory). */
final class ExporterLookup {
  private ExporterLookup() {}

  static Telemetry start(AgentConfig config) {
    return Exporters.start(config);
  }
}
