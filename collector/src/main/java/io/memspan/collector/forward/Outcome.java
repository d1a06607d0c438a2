package io.memspan.collector.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.spool.Signal;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/** How one delivery attempt ended, as the forwarder's protocol code judged it. */
sealed interface Outcome {

  /** The upstream took the request; it may still have refused some items (OTLP partial success). */
  record Delivered(long rejectedItems, String rejectReason, String rejectMessage) implements Outcome {}

  /** Worth trying again: outage, 429/503, UNAVAILABLE. A delay of 0 leaves it to the backoff. */
  record Retry(String error, long delayMillis) implements Outcome {}

  /** Refused for good (OTLP says not to retry these); counted under {@code reason}. */
  record Dropped(String reason, String error) implements Outcome {}

  /** This sink does not carry this kind of entry (metrics to Zipkin). */
  record NotApplicable() implements Outcome {}

  Outcome DELIVERED = new Delivered(0, "", "");

  /**
   * A successful OTLP export, refined by its response: OTLP lets a success carry a partial
   * success, items the upstream refused, which must be counted. An empty or unreadable response
   * does not undo the success.
   */
  static Outcome delivered(Signal signal, byte[] exportResponse) {
    if (exportResponse.length == 0) {
      return DELIVERED;
    }
    try {
      if (signal == Signal.TRACES) {
        var ps = ExportTraceServiceResponse.parseFrom(exportResponse).getPartialSuccess();
        return new Delivered(ps.getRejectedSpans(), "partial_success", ps.getErrorMessage());
      }
      var ps = ExportMetricsServiceResponse.parseFrom(exportResponse).getPartialSuccess();
      return new Delivered(ps.getRejectedDataPoints(), "partial_success", ps.getErrorMessage());
    } catch (InvalidProtocolBufferException e) {
      return DELIVERED;
    }
  }
  Outcome NOT_APPLICABLE = new NotApplicable();
}
