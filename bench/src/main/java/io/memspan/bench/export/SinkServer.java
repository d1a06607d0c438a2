package io.memspan.bench.export;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The far end of the sender benchmark: an OTLP/HTTP endpoint that accepts and discards every
 * request (an empty body is a valid ExportTraceServiceResponse). Runs in its own JVM, forked by
 * {@link #fork()}, so its allocation and CPU are not charged to the sender being measured.
 */
public final class SinkServer {
  private SinkServer() {}

  public static void main(String[] args) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
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

  /** Starts a sink in a new JVM and returns it with its port. */
  public static Forked fork() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SinkServer.class.getName());
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
