package io.memspan.collector.forward;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC receiver: grpc-java's server with the opentelemetry-proto service stubs. It
 * records what it receives and answers from a script of failures (OK when the script is empty).
 */
final class GrpcReceiver implements AutoCloseable {
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
  /** Each call's request metadata (headers), as grpc-java read it. */
  final List<io.grpc.Metadata> metadata = new CopyOnWriteArrayList<>();
  /** Failures to answer with, in order; a null-free queue of gRPC errors or responses. */
  final ConcurrentLinkedQueue<Object> script = new ConcurrentLinkedQueue<>();
  private final io.grpc.ServerCredentials tls;
  private Server server;
  private int port;

  GrpcReceiver() {
    this(null);
  }

  /** With {@code tls}, a gRPC-over-TLS upstream (h2 negotiated by ALPN). */
  GrpcReceiver(io.grpc.ServerCredentials tls) {
    this.tls = tls;
  }

  GrpcReceiver start() throws IOException, InterruptedException {
    return start(0);
  }

  /** Listens on {@code wantedPort} (0: any), retrying a restart's bind while the old port drains. */
  GrpcReceiver start(int wantedPort) throws IOException, InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return bind(wantedPort);
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private GrpcReceiver bind(int wantedPort) throws IOException {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", wantedPort);
    server = (tls == null ? NettyServerBuilder.forAddress(address) : NettyServerBuilder.forAddress(address, tls))
        .intercept(new io.grpc.ServerInterceptor() {
          @Override
          public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
            metadata.add(headers);
            return next.startCall(call, headers);
          }
        })
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
            arrivalNanos.add(System.nanoTime());
            Object next = script.poll();
            if (next instanceof Throwable t) {
              out.onError(t);
              return;
            }
            traces.add(request);
            out.onNext(next instanceof ExportTraceServiceResponse r ? r : ExportTraceServiceResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> out) {
            arrivalNanos.add(System.nanoTime());
            Object next = script.poll();
            if (next instanceof Throwable t) {
              out.onError(t);
              return;
            }
            metrics.add(request);
            out.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .build()
        .start();
    port = server.getPort();
    return this;
  }

  /** The upstream goes down: no listener, open connections cut. */
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  static Throwable status(Status status) {
    return status.asRuntimeException();
  }

  /** RESOURCE_EXHAUSTED with google.rpc.RetryInfo: the server is throttling, retry after the delay. */
  static Throwable throttled(long seconds) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("slow down")
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(250_000_000))
            .build()))
        .build());
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      stop();
    }
  }
}
