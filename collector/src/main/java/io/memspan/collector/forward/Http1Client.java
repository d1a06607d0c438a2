package io.memspan.collector.forward;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A keep-alive HTTP/1.1 client for one upstream: one connection, one request at a time (no
 * pipelining), reconnecting when the upstream closed it. Callers block; the event loop never does.
 */
final class Http1Client implements UpstreamClient {
  /** Upstream answers to an export are small; anything larger is an error page we cut off. */
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private static final AttributeKey<CompletableFuture<HttpReply>> PENDING =
      AttributeKey.valueOf("memspan.forward.pending");

  private final Endpoint endpoint;
  private final ForwarderOptions options;
  private final Transport transport;
  private final UpstreamHeaders headers;
  private final ReentrantLock exchange = new ReentrantLock();
  private Channel channel; // guarded by exchange

  /** @param headers extra headers on every request (those of {@code --upstream-header}) */
  Http1Client(String sinkName, Endpoint endpoint, ForwarderOptions options, UpstreamHeaders headers) {
    this.endpoint = endpoint;
    this.options = options;
    this.headers = headers;
    SslContext ssl = endpoint.tls() ? Transport.tls(options.tlsClient()) : null;
    this.transport = new Transport(endpoint, options, ssl, p -> p
        .addLast(new HttpClientCodec())
        .addLast(new HttpContentDecompressor(0))
        .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
        .addLast(new ReplyHandler()));
  }

  @Override
  public long connections() {
    return transport.connections();
  }

  /**
   * POSTs {@code body} (gzip-compressed on the wire when asked) and waits for the full answer.
   *
   * @throws IOException the connection failed or closed before an answer
   * @throws TimeoutException no answer within the request timeout
   */
  HttpReply post(String path, String contentType, byte[] body, boolean gzip)
      throws IOException, TimeoutException, InterruptedException {
    byte[] wire = gzip ? gzip(body) : body;
    exchange.lockInterruptibly();
    try {
      boolean reused = channel != null && channel.isActive();
      try {
        return exchange(path, contentType, wire, gzip);
      } catch (StaleConnectionException e) {
        if (!reused) {
          throw e;
        }
        // An idle keep-alive connection the upstream had already closed: not an outage, so try
        // once more on a fresh connection instead of waiting for the dispatcher's backoff.
        return exchange(path, contentType, wire, gzip);
      }
    } finally {
      exchange.unlock();
    }
  }

  private HttpReply exchange(String path, String contentType, byte[] wire, boolean gzip)
      throws IOException, TimeoutException, InterruptedException {
    Channel ch = connectedChannel();
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(wire));
    request.headers()
        .set(HttpHeaderNames.HOST, endpoint.authority())
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CONTENT_LENGTH, wire.length)
        .set(HttpHeaderNames.USER_AGENT, ForwarderOptions.USER_AGENT)
        .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP);
    if (gzip) {
      request.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
    }
    headers.addTo(request.headers());
    CompletableFuture<HttpReply> reply = new CompletableFuture<>();
    ch.attr(PENDING).set(reply);
    ch.writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                reply.completeExceptionally(new StaleConnectionException("write failed: " + f.cause()));
              }
            });
    try {
      HttpReply r = reply.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (r.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
        ch.close();
      }
      return r;
    } catch (TimeoutException e) {
      // The answer may still come; this connection can no longer be matched to requests.
      ch.close();
      throw new TimeoutException(
          "no answer from " + endpoint.url() + " within " + options.requestTimeout().toMillis() + " ms");
    } catch (ExecutionException e) {
      ch.close();
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.toString(), cause);
    } finally {
      ch.attr(PENDING).set(null);
    }
  }

  private Channel connectedChannel() throws IOException, InterruptedException {
    if (channel != null && channel.isActive()) {
      return channel;
    }
    channel = transport.connect();
    return channel;
  }

  @Override
  public void close() {
    transport.close(channel);
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    // Fastest level: the forwarder shares its host (often a sidecar's CPU share) with the
    // application, and OTLP batches of similar spans compress well even at level 1.
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(body);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory gzip failed", e);
    }
    return out.toByteArray();
  }

  private static final class ReplyHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      CompletableFuture<HttpReply> pending = ctx.channel().attr(PENDING).get();
      byte[] body = new byte[msg.content().readableBytes()];
      msg.content().readBytes(body);
      if (pending != null) {
        pending.complete(new HttpReply(msg.status().code(), msg.headers().copy(), body));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      CompletableFuture<HttpReply> pending = ctx.channel().attr(PENDING).get();
      if (pending != null) {
        pending.completeExceptionally(new StaleConnectionException("connection closed before an answer"));
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      CompletableFuture<HttpReply> pending = ctx.channel().attr(PENDING).get();
      if (pending != null) {
        pending.completeExceptionally(new IOException(cause.toString(), cause));
      }
      ctx.close();
    }
  }
}
