package io.memspan.agent.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What an OTLP test receiver got: every decoded request with the headers it came with. Shared by
 * {@link OtlpHttpReceiver} and {@link OtlpGrpcReceiver}; thread-safe, wait helpers poll.
 */
public class ReceivedOtlp {

  /** One request: decoded body, headers with lower-case names. */
  public record Request<T>(T body, Map<String, String> headers) {}

  private final List<Request<ExportTraceServiceRequest>> traces = new CopyOnWriteArrayList<>();
  private final List<Request<ExportMetricsServiceRequest>> metrics = new CopyOnWriteArrayList<>();

  void addTraces(ExportTraceServiceRequest body, Map<String, String> headers) {
    traces.add(new Request<>(body, Map.copyOf(headers)));
  }

  void addMetrics(ExportMetricsServiceRequest body, Map<String, String> headers) {
    metrics.add(new Request<>(body, Map.copyOf(headers)));
  }

  public List<Request<ExportTraceServiceRequest>> traceRequests() {
    return List.copyOf(traces);
  }

  public List<Request<ExportMetricsServiceRequest>> metricRequests() {
    return List.copyOf(metrics);
  }

  public List<ResourceSpans> resourceSpans() {
    List<ResourceSpans> out = new ArrayList<>();
    for (Request<ExportTraceServiceRequest> r : traces) {
      out.addAll(r.body().getResourceSpansList());
    }
    return out;
  }

  /** Every span received so far, in arrival order. */
  public List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (ResourceSpans rs : resourceSpans()) {
      rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList()));
    }
    return out;
  }

  /** Every metric data point group received so far, in arrival order. */
  public List<Metric> metrics() {
    List<Metric> out = new ArrayList<>();
    for (Request<ExportMetricsServiceRequest> r : metrics) {
      r.body().getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList()
          .forEach(sm -> out.addAll(sm.getMetricsList())));
    }
    return out;
  }

  /** Waits until at least {@code n} spans arrived; fails with what did arrive otherwise. */
  public List<Span> awaitSpans(int n, Duration timeout) {
    return await(() -> spans().size() >= n, timeout, () -> "expected " + n + " spans, got "
        + spans().size()) ? spans() : spans();
  }

  /** Waits until a metric matching {@code p} arrived. */
  public Metric awaitMetric(Predicate<Metric> p, Duration timeout) {
    await(() -> metrics().stream().anyMatch(p), timeout, () -> "no matching metric among "
        + metrics().stream().map(Metric::getName).distinct().toList());
    List<Metric> all = metrics();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (p.test(all.get(i))) {
        return all.get(i);
      }
    }
    throw new AssertionError("unreachable");
  }

  protected static boolean await(java.util.function.BooleanSupplier done, Duration timeout,
      java.util.function.Supplier<String> failure) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(failure.get() + " within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
    return true;
  }
}
