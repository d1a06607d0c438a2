package io.memspan.collector.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.otlp.GrpcStatus;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Forwards spooled requests to an OTLP/gRPC endpoint ({@code TraceService/Export}, {@code MetricsService/Export}). */
public final class OtlpGrpcForwarder extends Forwarder {

  private final Endpoint endpoint;
  private final ForwarderOptions options;
  private final GrpcClient client;

  OtlpGrpcForwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    super(name, metrics);
    this.endpoint = endpoint;
    this.options = options;
    this.client = new GrpcClient(name, endpoint, options);
  }

  @Override
  Outcome attempt(SpoolEntry entry) throws IOException, TimeoutException, InterruptedException {
    boolean traces = entry.signal() == Signal.TRACES;
    GrpcReply reply = client.unary(entry.signal().grpcPath, entry.payload());
    if (reply.status() == GrpcStatus.OK) {
      return partialSuccess(traces, reply.response());
    }
    String error = endpoint.url() + " answered gRPC " + reply.status()
        + (reply.message().isEmpty() ? "" : ": " + reply.message());
    boolean hasRetryInfo = reply.retryDelayMillis() >= 0;
    if (reply.status().retryable(hasRetryInfo)) {
      return new Outcome.Retry(error, hasRetryInfo ? options.clampRetryDelay(reply.retryDelayMillis()) : 0);
    }
    return new Outcome.Dropped("grpc_" + reply.status(), error);
  }

  private static Outcome partialSuccess(boolean traces, byte[] response) {
    try {
      if (traces) {
        var ps = ExportTraceServiceResponse.parseFrom(response).getPartialSuccess();
        return new Outcome.Delivered(ps.getRejectedSpans(), "partial_success", ps.getErrorMessage());
      }
      var ps = ExportMetricsServiceResponse.parseFrom(response).getPartialSuccess();
      return new Outcome.Delivered(ps.getRejectedDataPoints(), "partial_success", ps.getErrorMessage());
    } catch (InvalidProtocolBufferException e) {
      return Outcome.DELIVERED; // status OK is what counts; the body only refines it
    }
  }

  /** HTTP/2 connections opened so far. */
  public long connections() {
    return client.connections();
  }

  @Override
  public void close() {
    client.close();
    super.close();
  }
}
