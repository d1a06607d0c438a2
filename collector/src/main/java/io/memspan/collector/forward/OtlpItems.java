package io.memspan.collector.forward;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/** How many spans and metric data points a spooled request carries, for the counters. */
record OtlpItems(long spans, long dataPoints) {

  long total() {
    return spans + dataPoints;
  }

  static OtlpItems of(SpoolEntry entry) throws IOException {
    return switch (entry.signal()) {
      case TRACES -> new OtlpItems(countSpans(entry.payload()), 0);
      case METRICS -> ofMetrics(ExportMetricsServiceRequest.parseFrom(entry.payload()));
    };
  }

  /**
   * Counts the spans of an encoded ExportTraceServiceRequest by walking its wire format and
   * skipping each span's bytes: a forwarder sends the bytes as they are, so decoding 512 spans
   * only to count them would cost more than the send itself.
   */
  static long countSpans(byte[] request) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(request);
    long spans = 0;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag != LENGTH_DELIMITED_1) { // ExportTraceServiceRequest.resource_spans = 1
        in.skipField(tag);
        continue;
      }
      int resource = in.pushLimit(in.readRawVarint32());
      for (int t; (t = in.readTag()) != 0; ) {
        if (t != LENGTH_DELIMITED_2) { // ResourceSpans.scope_spans = 2
          in.skipField(t);
          continue;
        }
        int scope = in.pushLimit(in.readRawVarint32());
        for (int u; (u = in.readTag()) != 0; ) {
          if (u == LENGTH_DELIMITED_2) { // ScopeSpans.spans = 2
            spans++;
          }
          in.skipField(u);
        }
        in.popLimit(scope);
      }
      in.popLimit(resource);
    }
    return spans;
  }

  private static final int LENGTH_DELIMITED_1 = 1 << 3 | 2;
  private static final int LENGTH_DELIMITED_2 = 2 << 3 | 2;

  static OtlpItems ofMetrics(ExportMetricsServiceRequest request) {
    long points = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          points += switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            case DATA_NOT_SET -> 0;
          };
        }
      }
    }
    return new OtlpItems(0, points);
  }
}
