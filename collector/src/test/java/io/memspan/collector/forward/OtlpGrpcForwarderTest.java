package io.memspan.collector.forward;

import static io.memspan.collector.forward.OtlpFixtures.entry;
import static io.memspan.collector.forward.OtlpFixtures.metrics;
import static io.memspan.collector.forward.OtlpFixtures.randomId;
import static io.memspan.collector.forward.OtlpFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.RetryLaterException;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcForwarderTest {
  private final Metrics metrics = new Metrics();
  private GrpcReceiver upstream;
  private Forwarder forwarder;

  @BeforeEach
  void start() throws Exception {
    upstream = new GrpcReceiver().start();
    forwarder = Forwarders.create(List.of(upstream.url()), "grpc", null, metrics, OtlpHttpForwarderTest.FAST).get(0);
  }

  @AfterEach
  void stop() throws Exception {
    forwarder.close();
    upstream.close();
  }

  @Test
  void exportsTracesAndMetricsToAGrpcJavaServer() throws Exception {
    ExportTraceServiceRequest a = trace(randomId(16), 3);
    ExportTraceServiceRequest b = trace(randomId(16), 40);
    forwarder.deliver(entry(0, a));
    forwarder.deliver(entry(1, metrics(6)));
    forwarder.deliver(entry(2, b));
    assertEquals(List.of(a, b), upstream.traces, "the server decoded exactly what was spooled");
    assertEquals(List.of(metrics(6)), upstream.metrics);
    assertEquals(1, ((OtlpGrpcForwarder) forwarder).connections(), "one HTTP/2 connection, a stream per call");
    assertEquals(3, forwarder.stats().forwardedRequests());
    assertEquals(4 + 41, forwarder.stats().forwardedSpans());
    assertEquals(6, forwarder.stats().forwardedDataPoints());
  }

  @Test
  void retryableStatusesRetryAndOthersAreDroppedWithTheirReason() throws Exception {
    SpoolEntry e = entry(0, trace(randomId(16), 2));
    upstream.script.add(GrpcReceiver.status(Status.UNAVAILABLE.withDescription("draining")));
    RetryLaterException unavailable = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));
    assertEquals(0, unavailable.delayMillis());
    assertTrue(unavailable.getMessage().contains("UNAVAILABLE: draining"), unavailable.getMessage());

    upstream.script.add(GrpcReceiver.status(Status.DEADLINE_EXCEEDED));
    assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));

    upstream.script.add(GrpcReceiver.throttled(2));
    RetryLaterException throttled = assertThrows(RetryLaterException.class, () -> forwarder.deliver(e));
    assertEquals(2250, throttled.delayMillis(), "RetryInfo's delay is honoured");

    // Without RetryInfo, RESOURCE_EXHAUSTED is final (OTLP spec): retrying would not help.
    upstream.script.add(GrpcReceiver.status(Status.RESOURCE_EXHAUSTED.withDescription("quota")));
    forwarder.deliver(e);
    upstream.script.add(GrpcReceiver.status(Status.INVALID_ARGUMENT.withDescription("bad span: ü 100%")));
    forwarder.deliver(e);

    ForwarderStats s = forwarder.stats();
    assertEquals(3, s.retried());
    assertEquals(Map.of("grpc_INVALID_ARGUMENT", 1L, "grpc_RESOURCE_EXHAUSTED", 1L), s.droppedRequestsByReason());
    assertEquals(Map.of("grpc_INVALID_ARGUMENT", 3L, "grpc_RESOURCE_EXHAUSTED", 3L), s.droppedItemsByReason());
    assertTrue(s.lastError().endsWith("INVALID_ARGUMENT: bad span: ü 100%"), s.lastError());
    assertEquals(0, s.forwardedRequests());
    assertTrue(upstream.traces.isEmpty());
  }

  @Test
  void partialSuccessCountsTheRejectedSpans() throws Exception {
    upstream.script.add(ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(3).setErrorMessage("too big"))
        .build());
    forwarder.deliver(entry(0, trace(randomId(16), 4)));
    assertEquals(Map.of("partial_success", 3L), forwarder.stats().droppedItemsByReason());
    assertEquals(1, forwarder.stats().forwardedRequests());
  }

  @Test
  void aDownUpstreamMeansRetryLaterAndANewConnectionAfterItReturns() throws Exception {
    forwarder.deliver(entry(0, trace(randomId(16), 1)));
    int port = upstream.port();
    upstream.stop();
    RetryLaterException down = assertThrows(RetryLaterException.class,
        () -> forwarder.deliver(entry(1, trace(randomId(16), 1))));
    assertTrue(down.getMessage().contains("cannot connect to 127.0.0.1:" + port), down.getMessage());
    upstream.start(port);
    forwarder.deliver(entry(1, trace(randomId(16), 1)));
    assertEquals(2, forwarder.stats().forwardedRequests());
    assertEquals(2, upstream.traces.size(), "the first before the outage, the second after");
  }
}
