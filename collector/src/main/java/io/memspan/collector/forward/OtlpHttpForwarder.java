package io.memspan.collector.forward;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Forwards spooled requests to an OTLP/HTTP endpoint ({@code http/protobuf}): the stored protobuf
 * bytes are POSTed unchanged to {@code <base>/v1/traces} or {@code <base>/v1/metrics}.
 */
public final class OtlpHttpForwarder extends Forwarder {
  static final String PROTOBUF = "application/x-protobuf";

  private final Http1Client client;

  OtlpHttpForwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    super(name, endpoint, options, metrics);
    this.client = new Http1Client(name, endpoint, options, options.upstreamHeaders());
  }

  @Override
  Http1Client client() {
    return client;
  }

  @Override
  Outcome attempt(SpoolEntry entry) throws IOException, TimeoutException, InterruptedException {
    String path = endpoint.resolve(entry.signal() == Signal.TRACES ? "/v1/traces" : "/v1/metrics");
    HttpReply reply = client.post(path, PROTOBUF, entry.payload(), options.gzip());
    if (!HttpStatusPolicy.success(reply.status())) {
      return HttpStatusPolicy.failure(endpoint.urlOf(path), reply, options);
    }
    // only a protobuf answer can carry a partial success (a JSON one would be an error page here)
    boolean protobuf = reply.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith(PROTOBUF);
    return protobuf ? Outcome.delivered(entry.signal(), reply.body()) : Outcome.DELIVERED;
  }
}
