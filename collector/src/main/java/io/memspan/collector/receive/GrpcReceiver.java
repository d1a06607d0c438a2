package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.Executor;

/**
 * The OTLP/gRPC server: {@code TraceService/Export} and {@code MetricsService/Export} over HTTP/2
 * cleartext (prior knowledge, as gRPC clients use it), one Netty child channel per stream.
 */
public final class GrpcReceiver extends Listener {
  private static final int CONNECTION_WINDOW = 16 << 20;

  public GrpcReceiver(EventLoops loops, Executor decoders, HttpReceiver.Settings settings, Ingest ingest,
      TokenCheck token) throws InterruptedException {
    super(loops, settings, ch -> pipeline(ch, decoders, settings, ingest, token));
  }

  private static void pipeline(SocketChannel ch, Executor decoders, HttpReceiver.Settings settings, Ingest ingest,
      TokenCheck token) {
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
}
