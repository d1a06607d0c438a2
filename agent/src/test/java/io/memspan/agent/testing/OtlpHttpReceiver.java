package io.memspan.agent.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AttributeKey;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OTLP/HTTP receiver on Netty for tests: {@code POST /v1/traces} and {@code /v1/metrics}
 * with protobuf bodies (gzip or not), over http or https. It can be told to answer with an error
 * status ({@link #respondWith}) or to never answer ({@link #hang}), to test a refusing or
 * stalled collector.
 */
public final class OtlpHttpReceiver extends ReceivedOtlp implements AutoCloseable {
  private static final AttributeKey<Map<String, String>> WIRE_HEADERS =
      AttributeKey.valueOf("wire-headers");

  private final EventLoopGroup group;
  private final Channel server;
  private final boolean tls;
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile int status = 200;
  private volatile boolean hang;

  private OtlpHttpReceiver(TestCertificate cert) throws Exception {
    SslContext ssl = cert == null ? null
        : SslContextBuilder.forServer(cert.keyManagers()).sslProvider(SslProvider.JDK).build();
    this.tls = ssl != null;
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec());
            ch.pipeline().addLast(new WireHeaders());
            ch.pipeline().addLast(new HttpContentDecompressor(0));
            ch.pipeline().addLast(new HttpObjectAggregator(64 << 20));
            ch.pipeline().addLast(new Handler());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** Plain http on an ephemeral loopback port. */
  public static OtlpHttpReceiver start() throws Exception {
    return new OtlpHttpReceiver(null);
  }

  /** https with {@code cert}. */
  public static OtlpHttpReceiver startTls(TestCertificate cert) throws Exception {
    return new OtlpHttpReceiver(cert);
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT ({@code http://localhost:port}). */
  public String endpoint() {
    return (tls ? "https" : "http") + "://localhost:" + port();
  }

  /** Answer every following request with this HTTP status (200 accepts). */
  public void respondWith(int httpStatus) {
    this.status = httpStatus;
  }

  /** Read requests but never answer them. */
  public void hang(boolean hang) {
    this.hang = hang;
  }

  /** Requests that arrived, accepted or not. */
  public int attempts() {
    return attempts.get();
  }

  /** The headers as sent on the wire (before the receiver decompresses the body). */
  private static final class WireHeaders extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest) {
        Map<String, String> h = new LinkedHashMap<>();
        ((HttpRequest) msg).headers().forEach(e ->
            h.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        ctx.channel().attr(WIRE_HEADERS).set(h);
      }
      super.channelRead(ctx, msg);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
      attempts.incrementAndGet();
      if (hang) {
        return;
      }
      Map<String, String> headers = ctx.channel().attr(WIRE_HEADERS).get();
      byte[] body = ByteBufUtil.getBytes(req.content());
      byte[] reply;
      int code = status;
      String path = req.uri();
      if (code != 200) {
        reply = new byte[0];
      } else if (path.equals("/v1/traces")) {
        addTraces(ExportTraceServiceRequest.parseFrom(body), headers);
        reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      } else if (path.equals("/v1/metrics")) {
        addMetrics(ExportMetricsServiceRequest.parseFrom(body), headers);
        reply = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
      } else {
        code = 404;
        reply = new byte[0];
      }
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(code), Unpooled.wrappedBuffer(reply));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
      HttpUtil.setContentLength(res, reply.length);
      HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
      ctx.writeAndFlush(res);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A client that does not trust us, or goes away: nothing to answer.
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
