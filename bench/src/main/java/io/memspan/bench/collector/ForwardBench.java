package io.memspan.bench.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * How fast one forwarder drains a backlog: the collector's shaded jar runs as a child process with
 * its upstream down, is loaded with {@code --spans} memspan-shaped spans (batches of 512 from the
 * official OTel SDK gRPC exporter, all acknowledged, so all spooled), then the upstream comes up
 * and the bench times the first to the last span it receives. Upstreams: grpc-java's server with
 * the opentelemetry-proto stubs ({@code grpc}), a Netty HTTP server for OTLP/HTTP ({@code http})
 * and for Zipkin v2 JSON ({@code zipkin}); each decodes what it gets to count spans.
 *
 * <pre>java -cp bench/target/memspan-bench.jar io.memspan.bench.collector.ForwardBench \
 *     [--jar collector/target/memspan-collector.jar] [--protocol grpc|http|zipkin] [--spans 256000]
 *     [--batch 512] [--collector-heap 512m]</pre>
 */
public final class ForwardBench {
  private static final AtomicLong received = new AtomicLong();
  private static volatile long firstNanos;
  private static volatile long lastNanos;

  public static void main(String[] args) throws Exception {
    String jar = "collector/target/memspan-collector.jar";
    String protocol = "grpc";
    int spans = 256_000;
    int batch = 512;
    String heap = "512m";
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--jar" -> jar = v;
        case "--protocol" -> protocol = v;
        case "--spans" -> spans = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--collector-heap" -> heap = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int batches = (spans + batch - 1) / batch;
    spans = batches * batch;
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String upstream = "http://127.0.0.1:" + port;
    List<String> forwardFlags = switch (protocol) {
      case "grpc" -> List.of("--upstream", upstream, "--upstream-protocol", "grpc");
      case "http" -> List.of("--upstream", upstream, "--upstream-protocol", "http/protobuf");
      case "zipkin" -> List.of("--zipkin", upstream);
      default -> throw new IllegalArgumentException("--protocol is grpc, http or zipkin");
    };

    Path work = Files.createTempDirectory("memspan-forward-bench");
    Path ports = work.resolve("ports");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx" + heap, "-Xms" + heap, "-jar", jar,
        "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", "off",
        "--spool", work.resolve("spool").toString(), "--spool-max-bytes", "4GiB", "--ports-file", ports.toString()));
    cmd.addAll(forwardFlags);
    Process collector = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(work.resolve("collector.log").toFile()).start();
    AutoCloseable up = null;
    try {
      while (!Files.exists(ports)) {
        if (!collector.isAlive()) {
          throw new IllegalStateException("collector exited: " + Files.readString(work.resolve("collector.log")));
        }
        Thread.sleep(50);
      }
      String grpc = null;
      for (String line : Files.readAllLines(ports)) {
        if (line.startsWith("grpc=")) grpc = line.substring(5);
      }
      List<List<SpanData>> distinct = IngestBench.makeBatches(64, batch);
      OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://" + grpc).setTimeout(Duration.ofSeconds(30)).build();
      long t0 = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        if (!exporter.export(distinct.get(b % distinct.size())).join(30, TimeUnit.SECONDS).isSuccess()) {
          throw new IllegalStateException("the collector did not acknowledge batch " + b);
        }
      }
      exporter.shutdown().join(10, TimeUnit.SECONDS);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;

      // The forwarder is in backoff now (up to 30 s between attempts); the clock starts at the first span.
      up = switch (protocol) {
        case "grpc" -> grpcUpstream(port);
        default -> httpUpstream(port, protocol.equals("zipkin"));
      };
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (received.get() < spans) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("upstream received " + received.get() + " of " + spans + " spans");
        }
        Thread.sleep(20);
      }
      double drainSeconds = (lastNanos - firstNanos) / 1e9;
      System.out.printf(Locale.ROOT,
          "forward %s: %d spans (%d requests of %d) spooled in %.1f s, drained to a local upstream in %.2f s:"
              + " %.0f spans/s, %.0f requests/s (one request in flight)%n",
          protocol, spans, batches, batch, loadSeconds, drainSeconds, spans / drainSeconds, batches / drainSeconds);
    } finally {
      collector.destroy();
      collector.waitFor(30, TimeUnit.SECONDS);
      if (up != null) {
        up.close();
      }
      deleteTree(work);
    }
  }

  private static void count(long n) {
    long now = System.nanoTime();
    if (received.get() == 0) {
      firstNanos = now;
    }
    lastNanos = now;
    received.addAndGet(n);
  }

  private static long spansIn(ExportTraceServiceRequest r) {
    long n = 0;
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  private static AutoCloseable grpcUpstream(int port) throws IOException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .maxInboundMessageSize(64 << 20)
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
            count(spansIn(request));
            out.onNext(ExportTraceServiceResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .build().start();
    return () -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static AutoCloseable httpUpstream(int port, boolean zipkin) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    JsonFactory json = new JsonFactory();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
                    byte[] body = new byte[req.content().readableBytes()];
                    req.content().readBytes(body);
                    if ("gzip".equals(req.headers().get(HttpHeaderNames.CONTENT_ENCODING))) {
                      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                        body = in.readAllBytes();
                      }
                    }
                    count(zipkin ? zipkinSpans(json, body) : spansIn(ExportTraceServiceRequest.parseFrom(body)));
                    var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        zipkin ? HttpResponseStatus.ACCEPTED : HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(res);
                  }
                });
          }
        })
        .bind("127.0.0.1", port).sync().channel();
    return () -> {
      server.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    };
  }

  /** Counts the top-level objects of a Zipkin v2 JSON array. */
  private static long zipkinSpans(JsonFactory json, byte[] body) throws IOException {
    long n = 0;
    try (JsonParser p = json.createParser(body)) {
      p.nextToken(); // [
      for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
        p.skipChildren();
        n++;
      }
    }
    return n;
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (var s = Files.list(p)) {
        for (Path c : s.toList()) deleteTree(c);
      }
    }
    Files.deleteIfExists(p);
  }
}
