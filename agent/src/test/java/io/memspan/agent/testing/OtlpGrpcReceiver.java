package io.memspan.agent.testing;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OTLP/gRPC receiver for tests: grpc-java's server with the opentelemetry-proto service
 * stubs ({@code TraceService/Export}, {@code MetricsService/Export}), plaintext or TLS. It can
 * fail every call with a status ({@link #failWith}) or never complete calls ({@link #hang}).
 */
public final class OtlpGrpcReceiver extends ReceivedOtlp implements AutoCloseable {
  private static final Context.Key<Map<String, String>> HEADERS = Context.key("headers");

  private final Server server;
  private final boolean tls;
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile Status failure;
  private volatile boolean hang;

  private OtlpGrpcReceiver(TestCertificate cert) throws Exception {
    ServerCredentials creds = cert == null ? InsecureServerCredentials.create()
        : TlsServerCredentials.newBuilder().keyManager(cert.keyManagers().getKeyManagers())
            .build();
    this.tls = cert != null;
    ServerInterceptor captureHeaders = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
          Metadata metadata, ServerCallHandler<Q, R> next) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String k : metadata.keys()) {
          if (!k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            h.put(k.toLowerCase(Locale.ROOT),
                metadata.get(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)));
          }
        }
        return Contexts.interceptCall(Context.current().withValue(HEADERS, h), call, metadata,
            next);
      }
    };
    server = Grpc.newServerBuilderForPort(0, creds)
        .addService(ServerInterceptors.intercept(new Traces(), captureHeaders))
        .addService(ServerInterceptors.intercept(new Metrics(), captureHeaders))
        .build()
        .start();
  }

  public static OtlpGrpcReceiver start() throws Exception {
    return new OtlpGrpcReceiver(null);
  }

  public static OtlpGrpcReceiver startTls(TestCertificate cert) throws Exception {
    return new OtlpGrpcReceiver(cert);
  }

  public int port() {
    return server.getPort();
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT with protocol grpc. */
  public String endpoint() {
    return (tls ? "https" : "http") + "://localhost:" + port();
  }

  /** Fail every following call with {@code status}; null accepts again. */
  public void failWith(Status status) {
    this.failure = status;
  }

  /** Accept calls but never complete them. */
  public void hang(boolean hang) {
    this.hang = hang;
  }

  public int attempts() {
    return attempts.get();
  }

  private boolean refuse(StreamObserver<?> out) {
    attempts.incrementAndGet();
    if (hang) {
      return true;
    }
    Status f = failure;
    if (f != null) {
      out.onError(f.asRuntimeException());
      return true;
    }
    return false;
  }

  private final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> out) {
      if (refuse(out)) {
        return;
      }
      addTraces(request, HEADERS.get());
      out.onNext(ExportTraceServiceResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  private final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> out) {
      if (refuse(out)) {
        return;
      }
      addMetrics(request, HEADERS.get());
      out.onNext(ExportMetricsServiceResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
