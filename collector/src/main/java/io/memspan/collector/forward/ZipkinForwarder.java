package io.memspan.collector.forward;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Forwards spooled spans to a Zipkin server as v2 JSON on {@code <base>/api/v2/spans}. Metrics
 * have no Zipkin form: those entries are skipped and counted as not applicable.
 */
public final class ZipkinForwarder extends Forwarder {
  static final String SPANS_PATH = "/api/v2/spans";

  private final Http1Client client;
  private final String path;

  ZipkinForwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    super(name, endpoint, options, metrics);
    this.client = new Http1Client(name, endpoint, options, UpstreamHeaders.NONE);
    // Accept both the base (http://zipkin:9411) and the full spans URL people copy from docs.
    this.path = endpoint.basePath().endsWith(SPANS_PATH) ? endpoint.basePath() : endpoint.resolve(SPANS_PATH);
  }

  @Override
  Outcome attempt(SpoolEntry entry) throws IOException, TimeoutException, InterruptedException {
    if (entry.signal() != Signal.TRACES) {
      return Outcome.NOT_APPLICABLE;
    }
    ZipkinSpans.Batch batch = ZipkinSpans.convert(ExportTraceServiceRequest.parseFrom(entry.payload()));
    if (batch.spans() == 0) {
      return new Outcome.Delivered(batch.skippedInvalid(), "invalid_id", "spans without valid trace/span ids");
    }
    HttpReply reply = client.post(path, "application/json", batch.json(), options.gzip());
    if (!HttpStatusPolicy.success(reply.status())) {
      return HttpStatusPolicy.failure(endpoint.urlOf(path), reply, options);
    }
    return new Outcome.Delivered(batch.skippedInvalid(), "invalid_id", "spans without valid trace/span ids");
  }

  @Override
  Http1Client client() {
    return client;
  }
}
