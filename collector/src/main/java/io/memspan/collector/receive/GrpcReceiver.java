package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP/gRPC server: {@code TraceService/Export} and {@code MetricsService/Export} over HTTP/2
 * cleartext (prior knowledge, as gRPC clients use it), one Netty child channel per stream.
 */
public final class GrpcReceiver implements AutoCloseable {
  private static final int CONNECTION_WINDOW = 16 << 20;
  private final Channel server;
  private final io.netty.channel.group.ChannelGroup connections =
      new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

  public GrpcReceiver(EventLoops loops, Executor decoders, HttpReceiver.Settings settings, Ingest ingest,
      TokenCheck token) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(loops.boss(), loops.workers())
        .channel(loops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            StallGuard guard = new StallGuard(settings.requestTimeoutMillis(), true, ctx -> {
              ingest.reject(RejectReason.TIMEOUT, "HTTP/2 preface not completed in time");
              Log.warn("grpc_preface_timeout", "remote", ctx.channel().remoteAddress());
              ctx.close();
            });
            Http2Settings initial = Http2Settings.defaultSettings()
                .maxConcurrentStreams(256)
                .initialWindowSize(1 << 20)
                .maxHeaderListSize(16 * 1024);
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                .addLast("idle-close", new HttpReceiver.IdleCloser())
                .addLast("stall", guard)
                .addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(initial).build())
                .addLast("preface-done", new ChannelInboundHandlerAdapter() {
                  private boolean windowOpened;

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2SettingsFrame && !windowOpened) {
                      windowOpened = true;
                      guard.requestComplete();
                      // HTTP/2 starts every connection with a 64 KiB receive window; a 512-span
                      // batch is several times that, so open it wide once instead of waiting
                      // for window updates mid-request.
                      ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - 65_535));
                    }
                    ctx.fireChannelRead(msg);
                  }
                })
                .addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new GrpcExportHandler(ingest, token, decoders,
                        settings.requestTimeoutMillis()));
                  }
                }));
          }
        });
    server = b.bind(settings.bind()).sync().channel();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  /** Closes every open connection (after {@link #close}, once in-flight requests are answered). */
  public void closeConnections() {
    connections.close().awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
