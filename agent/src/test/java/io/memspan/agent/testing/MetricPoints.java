package io.memspan.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reading a received OTLP sum the way a user's query would: by attributes. */
public final class MetricPoints {
  private MetricPoints() {}

  /** Sum of a cumulative sum's data points whose attributes include {@code match}. */
  public static long sum(Metric m, Map<String, String> match) {
    assertTrue(m.hasSum(), m.toString());
    long total = 0;
    for (NumberDataPoint p : m.getSum().getDataPointsList()) {
      if (attributes(p.getAttributesList()).entrySet().containsAll(match.entrySet())) {
        total += p.getAsInt();
      }
    }
    return total;
  }

  /** A data point's attributes as strings (memspan's metric attributes are all strings). */
  public static Map<String, String> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey,
        kv -> kv.getValue().getStringValue()));
  }
}
