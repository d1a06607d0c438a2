package io.memspan.collector.forward;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.otlp.GrpcStatus;
import io.memspan.collector.spool.SpoolEntry;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Forwards spooled requests to an OTLP/gRPC endpoint ({@code TraceService/Export}, {@code MetricsService/Export}). */
public final class OtlpGrpcForwarder extends Forwarder {

  private final GrpcClient client;

  OtlpGrpcForwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    super(name, endpoint, options, metrics);
    this.client = new GrpcClient(name, endpoint, options, options.upstreamHeaders());
  }

  @Override
  GrpcClient client() {
    return client;
  }

  @Override
  Outcome attempt(SpoolEntry entry) throws IOException, TimeoutException, InterruptedException {
    GrpcReply reply = client.unary(entry.signal().grpcPath, entry.payload());
    if (reply.status() == GrpcStatus.OK) {
      return Outcome.delivered(entry.signal(), reply.response());
    }
    String error = endpoint.url() + " answered gRPC " + reply.status()
        + (reply.message().isEmpty() ? "" : ": " + reply.message());
    boolean hasRetryInfo = reply.retryDelayMillis() >= 0;
    if (reply.status().retryable(hasRetryInfo)) {
      return new Outcome.Retry(error, hasRetryInfo ? options.clampRetryDelay(reply.retryDelayMillis()) : 0);
    }
    return new Outcome.Dropped("grpc_" + reply.status(), error);
  }

}
