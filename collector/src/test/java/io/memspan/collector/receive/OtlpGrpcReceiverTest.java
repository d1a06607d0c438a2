package io.memspan.collector.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.memspan.collector.Collector;
import io.memspan.collector.CollectorConfig;
import io.memspan.collector.SdkClients;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.memspan.collector.spool.SpoolReader;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpGrpcReceiverTest {
  static final String TOKEN = "grpc-token";
  @TempDir Path dir;
  Collector collector;
  String endpoint;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    CollectorConfig c = CollectorConfig.ephemeral(dir.resolve("spool"));
    collector = Collector.start(new CollectorConfig(c.http(), c.grpc(), c.ui(), c.spoolDir(), c.spoolMaxBytes(),
        1 << 20, 1500, List.of(), c.upstreamProtocol(), List.of(), null, TOKEN, null, 10_000));
    endpoint = "http://127.0.0.1:" + collector.grpcAddress().getPort();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.grpcAddress().getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  private List<SpoolEntry> spooled() throws Exception {
    List<SpoolEntry> out = new ArrayList<>();
    try (SpoolReader r = collector.spool().reader(0)) {
      for (SpoolEntry e; (e = r.next()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return m;
  }

  /** A raw unary call, so the test can send bytes that are not a valid message. */
  private Status callRaw(byte[] message, Metadata headers) {
    return callRaw(message, headers, CallOptions.DEFAULT);
  }

  private Status callRaw(byte[] message, Metadata headers, CallOptions options) {
    MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
        .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    ClientCall<byte[], byte[]> call = io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(export, options.withDeadlineAfter(20, TimeUnit.SECONDS));
    try {
      ClientCalls.blockingUnaryCall(call, message);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Test
  void officialSdkGrpcExportersAreAcknowledged() throws Exception {
    List<SpanData> spans = SdkClients.spans("svc", "HashMap.resize#", 512);
    try (OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint)
        .addHeader("Authorization", "Bearer " + TOKEN).build()) {
      assertTrue(SdkClients.acked(exporter.export(spans), 20));
    }
    try (OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint)
        .setCompression("gzip").addHeader("Authorization", "Bearer " + TOKEN).build()) {
      assertTrue(SdkClients.acked(exporter.export(spans.subList(0, 10)), 20));
    }
    try (OtlpGrpcMetricExporter metrics = OtlpGrpcMetricExporter.builder().setEndpoint(endpoint)
        .addHeader("Authorization", "Bearer " + TOKEN).build()) {
      assertTrue(SdkClients.exportMetrics(metrics));
    }
    List<SpoolEntry> all = spooled();
    assertTrue(all.size() >= 3, all.toString()); // the meter provider exports on flush and on close
    assertEquals(512, ExportTraceServiceRequest.parseFrom(all.get(0).payload()).getResourceSpans(0).getScopeSpans(0).getSpansCount());
    assertEquals(spans.get(0).getSpanId(), java.util.HexFormat.of().formatHex(ExportTraceServiceRequest.parseFrom(all.get(0).payload())
        .getResourceSpans(0).getScopeSpans(0).getSpans(0).getSpanId().toByteArray()));
    assertEquals(Signal.TRACES, all.get(1).signal());
    all.subList(2, all.size()).forEach(e -> assertEquals(Signal.METRICS, e.signal()));
    assertEquals(2, collector.metrics().value("memspan_collector_received_requests_total", "signal", "traces", "transport", "grpc"));
  }

  @Test
  void grpcJavaStubGetsOkAndTheRightErrorStatuses() {
    var stub = TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    ExportTraceServiceRequest empty = ExportTraceServiceRequest.getDefaultInstance();
    StatusRuntimeException noToken = assertThrows(StatusRuntimeException.class, () -> stub.export(empty));
    assertEquals(Status.Code.UNAUTHENTICATED, noToken.getStatus().getCode());
    assertTrue(noToken.getStatus().getDescription().startsWith("missing Authorization"));
    StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
        () -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer("nope"))).export(empty));
    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN))).export(empty);

    Status malformed = callRaw(new byte[] {(byte) 0x0a, (byte) 0xff, 1}, bearer(TOKEN));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getCode());
    assertTrue(malformed.getDescription().startsWith("malformed protobuf ExportTraceServiceRequest"), malformed.getDescription());

    Status tooLarge = callRaw(new byte[(1 << 20) + 1], bearer(TOKEN));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooLarge.getCode());
    assertTrue(tooLarge.getDescription().contains("larger than the limit of 1048576 bytes"), tooLarge.getDescription());

    // 4 MiB of zeros gzip (grpc-encoding: gzip) to a few KiB: small on the wire, a bomb inflated.
    Status bomb = callRaw(new byte[4 << 20], bearer(TOKEN), CallOptions.DEFAULT.withCompression("gzip"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, bomb.getCode());
    assertTrue(bomb.getDescription().contains("inflates to more than the limit"), bomb.getDescription());

    // The connection still serves after the refusals.
    assertEquals(Status.Code.OK, callRaw(empty.toByteArray(), bearer(TOKEN)).getCode());
    assertEquals(2, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "too_large"));
    assertEquals(1, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "malformed"));
  }

  @Test
  void aStalledStreamGetsDeadlineExceededAndAStalledPrefaceIsClosed() throws Exception {
    MethodDescriptor<ExportTraceServiceRequest, io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse> export = TraceServiceGrpc.getExportMethod();
    ClientCall<ExportTraceServiceRequest, io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse> call = io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN))).newCall(export, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1); // headers sent, no message and no half-close: the client stalls
    long t0 = System.nanoTime();
    // Meanwhile, another call on the same connection is served at once.
    var stub = TraceServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN)));
    stub.export(ExportTraceServiceRequest.getDefaultInstance());
    Status s = closed.get(10, TimeUnit.SECONDS);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getCode());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 1000);

    try (Socket raw = new Socket("127.0.0.1", collector.grpcAddress().getPort())) {
      raw.setSoTimeout(10_000);
      long start = System.nanoTime();
      raw.getOutputStream().write("PRI * HTTP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      raw.getInputStream().readAllBytes(); // returns when the server closes the connection
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < 8000, "closed after " + ms + " ms");
    }
    assertEquals(2, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "timeout"));
  }

  @Test
  void sdkExporterWithoutTokenIsRefused() {
    try (OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()) {
      assertFalse(SdkClients.acked(exporter.export(SdkClients.spans("svc", "x", 1)), 20));
    }
    assertEquals(1, collector.metrics().value("memspan_collector_rejected_requests_total", "reason", "unauthenticated"));
  }
}
