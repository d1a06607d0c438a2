package io.memspan.agent.export.netty;

import static io.memspan.agent.export.netty.InFlightExports.asIo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * OTLP/gRPC over Netty: one HTTP/2 connection (prior knowledge for http, ALPN h2 for https), one
 * stream per export carrying a length-prefixed protobuf message, the status read from
 * {@code grpc-status}/{@code grpc-message} in the trailers (or a trailers-only response, or
 * mapped from the HTTP status when the server is not gRPC). Same deadline, retry and in-flight
 * bounds as {@link NettyHttpSender}.
 */
final class NettyGrpcSender implements GrpcSender {
  private final GrpcSenderConfig config;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final String authority;
  private final String path;
  private final String scheme;
  private final String grpcTimeout;
  private final InFlightExports exports = new InFlightExports();
  /** Touched only on {@link #loop}. */
  private Future<Channel> connection;

  NettyGrpcSender(GrpcSenderConfig config) {
    this.config = config;
    Endpoint endpoint = Endpoint.of(config.getEndpoint());
    this.scheme = endpoint.https() ? "https" : "http";
    this.authority = endpoint.host() + ":" + endpoint.port();
    String method = config.getFullMethodName();
    this.path = method.startsWith("/") ? method : "/" + method;
    this.grpcTimeout = Math.max(1, Math.min(config.getTimeout().toMillis(), 99_999_999)) + "m";
    SslContext ssl = endpoint.https()
        ? Tls.client(config.getSslContext(), config.getEnabledProtocols(), true) : null;
    this.loop = EventLoops.acquire().next();
    this.bootstrap = endpoint.bootstrap(loop, config.getConnectTimeout())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(Tls.handler(ssl, ch.alloc(), endpoint.host(), endpoint.port()));
            }
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        });
  }

  @Override
  public void send(MessageWriter message, Consumer<GrpcResponse> onResponse,
      Consumer<Throwable> onError) {
    Http2Headers headers = requestHeaders();
    exports.send(() -> Payloads.grpcFrame(message, config.getCompressor()), loop,
        config.getRetryPolicy(), config.getTimeout(),
        r -> GrpcStatuses.RETRYABLE.contains(r.getStatusCode()),
        frame -> (deadline, done) -> attempt(frame, headers, deadline, done), onResponse, onError);
  }

  private Http2Headers requestHeaders() {
    Http2Headers h = new DefaultHttp2Headers()
        .method("POST").scheme(scheme).path(path).authority(authority);
    h.set("content-type", "application/grpc");
    h.set("te", "trailers");
    h.set("grpc-accept-encoding", "gzip");
    h.set("grpc-timeout", grpcTimeout);
    if (config.getCompressor() != null) {
      h.set("grpc-encoding", config.getCompressor().getEncoding());
    }
    Map<String, List<String>> extra = config.getHeadersSupplier() == null
        ? null : config.getHeadersSupplier().get();
    if (extra != null) {
      // HTTP/2 header names are lower-case.
      extra.forEach((k, vs) -> vs.forEach(v -> h.add(k.toLowerCase(Locale.ROOT), v)));
    }
    return h;
  }

  /** Runs on {@link #loop}. */
  private void attempt(ByteBuf frame, Http2Headers headers, long deadline,
      BiConsumer<GrpcResponse, Throwable> done) {
    Call call = new Call(done);
    long remaining = Math.max(0, deadline - System.nanoTime());
    Future<Channel> conn = connection();
    // still connecting at the deadline: the host never answered, which is not a slow collector
    call.timeout = loop.schedule(() -> call.fail(conn.isDone()
        ? new SocketTimeoutException("no gRPC status from " + config.getEndpoint() + " within "
            + config.getTimeout().toMillis() + " ms")
        : new ConnectTimeoutException("connection timed out after "
            + config.getTimeout().toMillis() + " ms: " + config.getEndpoint())),
        remaining, TimeUnit.NANOSECONDS);
    conn.addListener(cf -> {
      if (!cf.isSuccess()) {
        call.fail(asIo(cf.cause()));
        return;
      }
      Channel parent = (Channel) cf.getNow();
      new Http2StreamChannelBootstrap(parent).handler(call).open().addListener(sf -> {
        if (!sf.isSuccess()) {
          call.fail(asIo(sf.cause()));
          return;
        }
        Http2StreamChannel stream = (Http2StreamChannel) sf.getNow();
        call.stream = stream;
        if (call.finished.get()) {
          stream.close();
          return;
        }
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(frame.retainedDuplicate(), true))
            .addListener(w -> {
              if (!w.isSuccess()) {
                call.fail(asIo(w.cause()));
              }
            });
      });
    });
  }

  /** The shared HTTP/2 connection, (re)connected on demand. Runs on {@link #loop}. */
  private Future<Channel> connection() {
    Future<Channel> c = connection;
    if (c != null && (!c.isDone() || (c.isSuccess() && c.getNow().isActive()))) {
      return c;
    }
    Promise<Channel> p = loop.newPromise();
    connection = p;
    bootstrap.connect().addListener(f -> {
      if (!f.isSuccess()) {
        p.tryFailure(asIo(f.cause()));
        return;
      }
      Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls == null) {
        p.trySuccess(ch);
        return;
      }
      tls.handshakeFuture().addListener(h -> {
        if (!h.isSuccess()) {
          p.tryFailure(asIo(h.cause()));
        } else if (!"h2".equals(tls.applicationProtocol())) {
          ch.close();
          p.tryFailure(new IOException(config.getEndpoint()
              + " did not negotiate HTTP/2 (ALPN h2), which gRPC needs"));
        } else {
          p.trySuccess(ch);
        }
      });
    });
    return p;
  }

  /** One gRPC call on one HTTP/2 stream. */
  private static final class Call extends ChannelInboundHandlerAdapter {
    final BiConsumer<GrpcResponse, Throwable> done;
    final AtomicBoolean finished = new AtomicBoolean();
    ScheduledFuture<?> timeout;
    Http2StreamChannel stream;
    private CharSequence httpStatus;
    private CharSequence encoding;
    private CompositeByteBuf data;

    Call(BiConsumer<GrpcResponse, Throwable> done) {
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame) {
          Http2HeadersFrame hf = (Http2HeadersFrame) msg;
          Http2Headers h = hf.headers();
          if (httpStatus == null) {
            httpStatus = h.status();
            encoding = h.get("grpc-encoding");
            if (h.contains("grpc-status") || hf.isEndStream()) {
              complete(h);
            }
          } else {
            complete(h);
          }
        } else if (msg instanceof Http2DataFrame) {
          Http2DataFrame df = (Http2DataFrame) msg;
          if (data == null) {
            data = ctx.alloc().compositeBuffer();
          }
          data.addComponent(true, df.content().retain());
          if (df.isEndStream()) {
            complete(null);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void complete(Http2Headers trailers) {
      GrpcStatusCode code;
      String description;
      CharSequence status = trailers == null ? null : trailers.get("grpc-status");
      if (status != null) {
        code = GrpcStatuses.parse(status);
        description = GrpcStatuses.decodeMessage(trailers.get("grpc-message"));
      } else {
        int http = parseHttp(httpStatus);
        code = http == 200 ? GrpcStatusCode.UNKNOWN : GrpcStatuses.fromHttp(http);
        description = http == 200 ? "response ended without grpc-status"
            : "HTTP status " + http + " without grpc-status";
      }
      byte[] message;
      try {
        message = data == null ? new byte[0] : Payloads.grpcMessage(data, str(encoding));
      } catch (IOException e) {
        fail(e);
        return;
      }
      GrpcStatusCode c = code;
      String d = description;
      if (finish()) {
        done.accept(new GrpcResponse() {
          @Override
          public GrpcStatusCode getStatusCode() {
            return c;
          }

          @Override
          public String getStatusDescription() {
            return d;
          }

          @Override
          public byte[] getResponseMessage() {
            return message;
          }
        }, null);
      }
    }

    void fail(Throwable t) {
      if (finish()) {
        done.accept(null, t);
      }
    }

    private boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (data != null) {
        data.release();
        data = null;
      }
      if (stream != null) {
        stream.close();
      }
      return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      fail(new IOException("HTTP/2 stream closed before grpc-status"));
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(asIo(cause));
      ctx.close();
    }

    private static int parseHttp(CharSequence s) {
      try {
        return s == null ? 0 : Integer.parseInt(s.toString());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static String str(CharSequence s) {
      return s == null ? null : s.toString();
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    if (exports.shutdown()) {
      loop.execute(() -> {
        Future<Channel> c = connection;
        if (c != null && c.isSuccess()) {
          c.getNow().close();
        }
        EventLoops.release();
      });
    }
    return CompletableResultCode.ofSuccess();
  }
}
