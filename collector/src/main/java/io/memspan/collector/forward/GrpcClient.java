package io.memspan.collector.forward;

import io.memspan.collector.otlp.GrpcStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPInputStream;

/**
 * A unary gRPC client on Netty HTTP/2: one connection (prior knowledge on cleartext, ALPN h2 over
 * TLS), one stream per call, length-prefixed messages, status read from the trailers. One call in
 * flight at a time; callers block, the event loop never does.
 */
final class GrpcClient implements UpstreamClient {
  /** An export answer is tiny; anything larger is not one. */
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final Endpoint endpoint;
  private final ForwarderOptions options;
  private final Transport transport;
  private final UpstreamHeaders metadata;
  private final ReentrantLock call = new ReentrantLock();
  private Channel connection; // guarded by call
  private volatile boolean goingAway;

  /** @param metadata extra metadata on every call (that of {@code --upstream-header}) */
  GrpcClient(String sinkName, Endpoint endpoint, ForwarderOptions options, UpstreamHeaders metadata) {
    this.metadata = metadata;
    this.endpoint = endpoint;
    this.options = options;
    SslContext ssl = endpoint.tls() ? Transport.tls(options.tlsClient().applicationProtocolConfig(
        new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2))) : null;
    this.transport = new Transport(endpoint, options, ssl, p -> p
        .addLast(Http2FrameCodecBuilder.forClient().build())
        .addLast(new Http2MultiplexHandler(new RefuseServerStreams()))
        .addLast(new ConnectionWatcher()));
  }

  @Override
  public long connections() {
    return transport.connections();
  }

  /**
   * Calls {@code path} (e.g. {@code /opentelemetry.proto.collector.trace.v1.TraceService/Export})
   * with one request message and waits for the status.
   *
   * @throws IOException the connection failed, or the stream was reset, before a status
   * @throws TimeoutException no status within the request timeout
   */
  GrpcReply unary(String path, byte[] message) throws IOException, TimeoutException, InterruptedException {
    boolean gzip = options.gzip();
    byte[] body = gzip ? Http1Client.gzip(message) : message;
    call.lockInterruptibly();
    try {
      boolean reused = connection != null && connection.isActive() && !goingAway;
      try {
        return call(path, body, gzip);
      } catch (StaleConnectionException e) {
        if (!reused) {
          throw e;
        }
        connection.close(); // the upstream dropped it while idle: one more try on a fresh one
        return call(path, body, gzip);
      }
    } finally {
      call.unlock();
    }
  }

  private GrpcReply call(String path, byte[] body, boolean gzip)
      throws IOException, TimeoutException, InterruptedException {
    Channel parent = connected();
    CallHandler handler = new CallHandler();
    io.netty.util.concurrent.Future<Http2StreamChannel> opened =
        new Http2StreamChannelBootstrap(parent).handler(handler).open().await();
    if (!opened.isSuccess()) {
      parent.close();
      throw new StaleConnectionException("cannot open an HTTP/2 stream: " + opened.cause());
    }
    Http2StreamChannel stream = opened.getNow();
    long timeoutMillis = options.requestTimeout().toMillis();
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme(endpoint.tls() ? "https" : "http")
            .path(path)
            .authority(endpoint.authority())
            .set("content-type", "application/grpc")
            .set("te", "trailers")
            .set("grpc-timeout", timeoutMillis + "m")
            .set("user-agent", ForwarderOptions.USER_AGENT);
    if (gzip) {
      headers.set("grpc-encoding", "gzip");
    }
    metadata.addTo(headers);
    ByteBuf frame = stream.alloc().buffer(5 + body.length);
    frame.writeByte(gzip ? 1 : 0).writeInt(body.length).writeBytes(body);
    stream.write(new DefaultHttp2HeadersFrame(headers, false));
    stream.writeAndFlush(new DefaultHttp2DataFrame(frame, true))
        .addListener(f -> {
          if (!f.isSuccess()) {
            handler.result.completeExceptionally(new StaleConnectionException("write failed: " + f.cause()));
          }
        });
    try {
      return handler.result.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("no gRPC status from " + endpoint.url() + " within " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
    } finally {
      stream.close();
    }
  }

  private Channel connected() throws IOException, InterruptedException {
    if (connection != null && connection.isActive() && !goingAway) {
      return connection;
    }
    if (connection != null) {
      connection.close();
    }
    goingAway = false;
    connection = transport.connect();
    return connection;
  }

  @Override
  public void close() {
    transport.close(connection);
  }

  /** Notes GOAWAY so the next call opens a fresh connection instead of a doomed stream. */
  private final class ConnectionWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame) {
        goingAway = true;
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset or broken connection: its streams fail with it and the next call reconnects.
      ctx.close();
    }
  }

  /** A forwarder never accepts streams the server opens (no server push in gRPC). */
  @ChannelHandler.Sharable
  private static final class RefuseServerStreams extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }

  /** Collects one call's response headers, message and trailers. */
  private static final class CallHandler extends ChannelInboundHandlerAdapter {
    final CompletableFuture<GrpcReply> result = new CompletableFuture<>();
    private Http2Headers responseHeaders;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          if (responseHeaders == null && !h.isEndStream()) {
            responseHeaders = h.headers();
          } else {
            // Trailers, or a trailers-only answer (errors usually come this way).
            finish(responseHeaders == null ? h.headers() : responseHeaders, h.headers());
          }
        } else if (msg instanceof Http2DataFrame d) {
          ByteBuf content = d.content();
          if (data.size() + content.readableBytes() > MAX_RESPONSE_BYTES) {
            fail(new IOException("gRPC answer larger than " + MAX_RESPONSE_BYTES + " bytes"));
            ctx.close();
            return;
          }
          content.readBytes(data, content.readableBytes());
          if (d.isEndStream()) {
            finish(responseHeaders, null);
          }
        } else if (msg instanceof Http2ResetFrame r) {
          fail(new IOException("upstream reset the stream (HTTP/2 error " + r.errorCode() + ")"));
        }
      } catch (IOException e) {
        fail(e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(responseHeaders == null
          ? new StaleConnectionException("connection closed before an answer")
          : new IOException("connection closed before a gRPC status"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(new IOException(cause.toString(), cause));
      ctx.close();
    }

    private void fail(IOException e) {
      result.completeExceptionally(e);
    }

    private void finish(Http2Headers headers, Http2Headers trailers) throws IOException {
      int http = headers == null || headers.status() == null ? 0 : parseInt(headers.status(), 0);
      CharSequence code = trailers == null ? null : trailers.get("grpc-status");
      GrpcStatus status;
      String message;
      long retryDelay = -1;
      if (code != null) {
        status = GrpcStatus.ofCode(parseInt(code, GrpcStatus.UNKNOWN.ordinal()));
        message = GrpcReply.decodeMessage(trailers.get("grpc-message"));
        retryDelay = GrpcReply.retryDelayMillis(trailers.get("grpc-status-details-bin"));
      } else {
        // No grpc-status: not a gRPC server answering (a proxy's error page); gRPC maps the HTTP status.
        status = http == 200 ? GrpcStatus.UNKNOWN : GrpcStatus.ofHttpStatus(http);
        message = "no grpc-status in the answer (HTTP " + http + ")";
      }
      byte[] response = status == GrpcStatus.OK ? message(headers) : new byte[0];
      result.complete(new GrpcReply(status, message, retryDelay, response));
    }

    /** The single length-prefixed response message, decompressed if the server compressed it. */
    private byte[] message(Http2Headers headers) throws IOException {
      byte[] all = data.toByteArray();
      if (all.length < 5) {
        return new byte[0];
      }
      boolean compressed = all[0] != 0;
      int len = (all[1] & 0xff) << 24 | (all[2] & 0xff) << 16 | (all[3] & 0xff) << 8 | (all[4] & 0xff);
      if (len < 0 || len > all.length - 5) {
        throw new IOException("truncated gRPC message");
      }
      if (!compressed) {
        return java.util.Arrays.copyOfRange(all, 5, 5 + len);
      }
      CharSequence enc = headers == null ? null : headers.get("grpc-encoding");
      if (enc == null || !"gzip".contentEquals(enc)) {
        throw new IOException("gRPC answer compressed with unsupported encoding " + enc);
      }
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(all, 5, len))) {
        return in.readNBytes(MAX_RESPONSE_BYTES);
      }
    }

    private static int parseInt(CharSequence s, int otherwise) {
      try {
        return Integer.parseInt(s.toString().trim());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
  }
}
