package io.memspan.bench.export;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The far end of the sender benchmark: an OTLP endpoint that accepts and discards every request,
 * over HTTP/1.1 ({@code http}: an empty body is a valid ExportTraceServiceResponse) or gRPC
 * ({@code grpc}: h2c with prior knowledge, an empty message and {@code grpc-status: 0}). Runs in
 * its own JVM, forked by {@link #fork}, so its allocation and CPU are not charged to the sender
 * being measured.
 */
public final class SinkServer {
  private SinkServer() {}

  public static void main(String[] args) throws Exception {
    boolean grpc = args.length > 0 && args[0].equals("grpc");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        // As collectors do (grpc-java, the OpenTelemetry Collector): no Nagle delay on replies.
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (grpc) {
              // grpc-java's default flow-control window (1 MiB), so a batch is not throttled.
              ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                  .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20))
                  .build(),
                  new Http2MultiplexHandler(new GrpcDiscard()));
              return;
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    DefaultFullHttpResponse res = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
                    HttpUtil.setContentLength(res, 0);
                    ctx.writeAndFlush(res);
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
    System.out.flush();
    // Lives until the benchmark closes our stdin.
    while (System.in.read() >= 0) {
      // discard
    }
    server.close().sync();
    group.shutdownGracefully().sync();
  }

  /** Answers every gRPC call, once its request has fully arrived, with an empty message. */
  @ChannelHandler.Sharable
  private static final class GrpcDiscard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean end = msg instanceof Http2HeadersFrame && ((Http2HeadersFrame) msg).isEndStream()
          || msg instanceof Http2DataFrame && ((Http2DataFrame) msg).isEndStream();
      ReferenceCountUtil.release(msg);
      if (!end) {
        return;
      }
      Http2Headers headers = new DefaultHttp2Headers().status("200");
      headers.set("content-type", "application/grpc");
      ctx.write(new DefaultHttp2HeadersFrame(headers, false));
      ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[5]), false));
      Http2Headers trailers = new DefaultHttp2Headers();
      trailers.set("grpc-status", "0");
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
    }
  }

  /** Starts a sink ({@code http} or {@code grpc}) in a new JVM and returns it with its port. */
  public static Forked fork(String protocol) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SinkServer.class.getName());
    cmd.add(protocol);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    if (!line.toString().startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("sink did not start: " + line);
    }
    return new Forked(p, Integer.parseInt(line.substring(5).trim()));
  }

  /** A running sink. */
  public record Forked(Process process, int port) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      process.destroy();
    }
  }
}
