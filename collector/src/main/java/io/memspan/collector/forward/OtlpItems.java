package io.memspan.collector.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/** How many spans and metric data points a spooled request carries, for the counters. */
record OtlpItems(long spans, long dataPoints) {

  long total() {
    return spans + dataPoints;
  }

  static OtlpItems of(SpoolEntry entry) throws InvalidProtocolBufferException {
    return switch (entry.signal()) {
      case TRACES -> ofTraces(ExportTraceServiceRequest.parseFrom(entry.payload()));
      case METRICS -> ofMetrics(ExportMetricsServiceRequest.parseFrom(entry.payload()));
    };
  }

  static OtlpItems ofTraces(ExportTraceServiceRequest request) {
    long spans = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        spans += ss.getSpansCount();
      }
    }
    return new OtlpItems(spans, 0);
  }

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
