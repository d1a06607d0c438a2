package io.memspan.collector.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Forwards spooled requests to an OTLP/HTTP endpoint ({@code http/protobuf}): the stored protobuf
 * bytes are POSTed unchanged to {@code <base>/v1/traces} or {@code <base>/v1/metrics}.
 */
public final class OtlpHttpForwarder extends Forwarder {
  static final String PROTOBUF = "application/x-protobuf";

  private final Endpoint endpoint;
  private final ForwarderOptions options;
  private final Http1Client client;

  OtlpHttpForwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    super(name, metrics);
    this.endpoint = endpoint;
    this.options = options;
    this.client = new Http1Client(name, endpoint, options);
  }

  @Override
  Outcome attempt(SpoolEntry entry) throws IOException, TimeoutException, InterruptedException {
    String path = endpoint.resolve(entry.signal() == Signal.TRACES ? "/v1/traces" : "/v1/metrics");
    HttpReply reply = client.post(path, PROTOBUF, entry.payload(), options.gzip());
    if (!HttpStatusPolicy.success(reply.status())) {
      return HttpStatusPolicy.failure(endpoint.urlOf(path), reply, options);
    }
    return partialSuccess(entry.signal(), reply);
  }

  /** OTLP lets a 200 carry a partial success: items the upstream refused, which we must count. */
  private static Outcome partialSuccess(Signal signal, HttpReply reply) {
    String type = reply.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (reply.body().length == 0 || !type.startsWith(PROTOBUF)) {
      return Outcome.DELIVERED;
    }
    try {
      if (signal == Signal.TRACES) {
        var ps = ExportTraceServiceResponse.parseFrom(reply.body()).getPartialSuccess();
        return new Outcome.Delivered(ps.getRejectedSpans(), "partial_success", ps.getErrorMessage());
      }
      var ps = ExportMetricsServiceResponse.parseFrom(reply.body()).getPartialSuccess();
      return new Outcome.Delivered(ps.getRejectedDataPoints(), "partial_success", ps.getErrorMessage());
    } catch (InvalidProtocolBufferException e) {
      // The upstream said 2xx; an unreadable answer body does not undo that.
      return Outcome.DELIVERED;
    }
  }

  /** TCP connections opened so far; keep-alive keeps it at one while the upstream is healthy. */
  public long connections() {
    return client.connections();
  }

  @Override
  public void close() {
    client.close();
    super.close();
  }
}
