package io.memspan.collector.spool;

/** Which OTLP export request a spooled record holds, with the gRPC method that carries it. */
public enum Signal {
  TRACES("/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
  METRICS("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export");

  /** The OTLP/gRPC method path (HTTP/2 {@code :path}), served by the receiver and called by forwarders. */
  public final String grpcPath;

  Signal(String grpcPath) {
    this.grpcPath = grpcPath;
  }
}
