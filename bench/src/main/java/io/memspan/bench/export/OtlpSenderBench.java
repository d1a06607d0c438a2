package io.memspan.bench.export;

import io.memspan.agent.export.SpanSchema;
import io.memspan.agent.export.netty.NettyGrpcSenderProvider;
import io.memspan.agent.export.netty.NettyHttpSenderProvider;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider;
import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSenderProvider;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * memspan's Netty OTLP senders (HTTP and gRPC) against the SDK's default (OkHttp) senders, side
 * by side: the same SDK exporter, the same batch of memspan-shaped spans, the same sink (in its
 * own JVM), one export at a time as the BatchSpanProcessor does. Only the sender differs, given
 * to the exporter through its public component loader. One operation = one batch of {@link #batch}
 * spans; divide ops/s and {@code gc.alloc.rate.norm} by it for per-span figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class OtlpSenderBench {
  /** The sender under test, handed to the exporter through the SDK's component loader. */
  static Object provider(String sender, boolean grpc) {
    switch (sender) {
      case "netty": return grpc ? new NettyGrpcSenderProvider() : new NettyHttpSenderProvider();
      case "okhttp":
        return grpc ? new OkHttpGrpcSenderProvider() : new OkHttpHttpSenderProvider();
      default: throw new IllegalArgumentException("unknown sender " + sender);
    }
  }

  /** Loads exactly one sender provider, and everything else as usual. */
  static ComponentLoader only(Object provider) {
    ComponentLoader usual = ComponentLoader.forClassLoader(OtlpSenderBench.class.getClassLoader());
    return new ComponentLoader() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Iterable<T> load(Class<T> spi) {
        if (spi == HttpSenderProvider.class || spi == GrpcSenderProvider.class) {
          return spi.isInstance(provider) ? List.of((T) provider) : List.of();
        }
        return usual.load(spi);
      }
    };
  }

  @Param({"netty", "okhttp"})
  public String sender;

  @Param({"http/protobuf", "grpc"})
  public String protocol;

  @Param({"none", "gzip"})
  public String compression;

  @Param({"512"})
  public int batch;

  private SinkServer.Forked sink;
  private SpanExporter exporter;
  private List<SpanData> spans;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    boolean grpc = protocol.equals("grpc");
    sink = SinkServer.fork(grpc ? "grpc" : "http");
    ComponentLoader loader = only(provider(sender, grpc));
    exporter = grpc
        ? OtlpGrpcSpanExporter.builder()
            .setComponentLoader(loader)
            .setEndpoint("http://127.0.0.1:" + sink.port())
            .setCompression(compression)
            .setMeterProvider(MeterProvider::noop)
            .build()
        : OtlpHttpSpanExporter.builder()
            .setComponentLoader(loader)
            .setEndpoint("http://127.0.0.1:" + sink.port() + "/v1/traces")
            .setCompression(compression)
            .setMeterProvider(MeterProvider::noop)
            .build();
    spans = memspanSpans(batch);
  }

  @Benchmark
  public boolean exportBatch() {
    CompletableResultCode r = exporter.export(spans).join(10, TimeUnit.SECONDS);
    if (!r.isSuccess()) {
      throw new IllegalStateException(sender + " export failed: " + r.getFailureThrowable());
    }
    return true;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    exporter.shutdown().join(5, TimeUnit.SECONDS);
    sink.close();
  }

  /** Spans shaped like the agent's: the schema's attributes and one mmap event each. */
  static List<SpanData> memspanSpans(int n) {
    List<SpanData> out = new ArrayList<>(n);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(new SpanProcessor() {
          @Override
          public void onStart(Context parent, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            out.add(span.toSpanData());
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        }).build();
    Tracer tracer = provider.get(SpanSchema.SCOPE);
    for (int i = 0; i < n; i++) {
      long cap = 10_000L + i;
      Span s = tracer.spanBuilder("ArrayList.grow").setNoParent().setSpanKind(SpanKind.INTERNAL)
          .setAttribute(SpanSchema.CODE_FUNCTION_NAME, "com.acme.orders.OrderBook.load")
          .setAttribute(SpanSchema.CODE_FILE_PATH, "OrderBook.java")
          .setAttribute(SpanSchema.CODE_LINE_NUMBER, 42L + i % 7)
          .setAttribute(SpanSchema.THREAD_ID, 1L)
          .setAttribute(SpanSchema.THREAD_NAME, "main")
          .setAttribute(SpanSchema.STRUCTURE_TYPE, "java.util.ArrayList")
          .setAttribute(SpanSchema.STRUCTURE_ID, (long) (i * 7919))
          .setAttribute(SpanSchema.CAPACITY_BEFORE, cap)
          .setAttribute(SpanSchema.CAPACITY_AFTER, cap + (cap >> 1))
          .setAttribute(SpanSchema.SIZE, cap)
          .setAttribute(SpanSchema.BYTES_COPIED, cap * 4)
          .setAttribute(SpanSchema.BYTES_ALLOCATED, (cap + (cap >> 1)) * 4 + 16)
          .setAttribute(SpanSchema.PAGE_FAULTS, 15L)
          .setAttribute(SpanSchema.PAGE_FAULTS_KERNEL, 0L)
          .setAttribute(SpanSchema.MMAP_COUNT, 1L)
          .setAttribute(SpanSchema.MMAP_BYTES, 65_536L)
          .setAttribute(SpanSchema.MUNMAP_BYTES, 0L)
          .setAttribute(SpanSchema.TID, 4242L)
          .setAttribute(SpanSchema.KERNEL_SOURCE, "bcc")
          .startSpan();
      s.addEvent("mmap", Attributes.builder().put("addr", 0L).put("len", 65_536L)
          .put("prot", 3L).put("flags", 34L).put("fd", -1L).put("off", 0L)
          .put("ret", 0x7f00_0000_0000L + i * 65_536L).build());
      s.end();
    }
    provider.close();
    return out;
  }
}
