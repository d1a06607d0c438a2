package io.memspan.agent.export.netty;

import static io.memspan.agent.export.netty.InFlightExports.asIo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * OTLP/HTTP over Netty: HTTP/1.1 POSTs on a small pool of keep-alive connections, optionally
 * TLS, gzip, custom headers, one deadline per export covering connect, retries and response.
 * At most {@link SenderLimits#maxInFlight()} exports run at once; more fail immediately so a slow
 * collector can never pile up memory or threads.
 */
final class NettyHttpSender implements HttpSender {
  private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("memspan.exchange");
  /** Retryable per the OTLP specification. */
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

  private final HttpSenderConfig config;
  private final EventLoopGroup group;
  private final FixedChannelPool pool;
  private final String hostHeader;
  private final String path;
  private final InFlightExports exports = new InFlightExports();

  NettyHttpSender(HttpSenderConfig config) {
    this.config = config;
    URI uri = config.getEndpoint();
    Endpoint endpoint = Endpoint.of(uri);
    this.hostHeader = uri.getPort() > 0 ? endpoint.host() + ":" + endpoint.port() : endpoint.host();
    String p = uri.getRawPath();
    this.path = (p == null || p.isEmpty() ? "/" : p)
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    int maxInFlight = exports.maxInFlight();
    SslContext ssl = endpoint.https()
        ? Tls.client(config.getSslContext(), config.getEnabledProtocols(), false) : null;
    int maxBody = (int) Math.min(Math.max(config.getMaxResponseBodySize(), 1024), 4 << 20);

    this.group = EventLoops.acquire();
    Bootstrap bootstrap = endpoint.bootstrap(group, config.getConnectTimeout());
    this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
          p.addLast(Tls.handler(ssl, ch.alloc(), endpoint.host(), endpoint.port()));
        }
        p.addLast(new HttpClientCodec());
        p.addLast(new HttpContentDecompressor(0));
        p.addLast(new HttpObjectAggregator(maxBody));
        p.addLast(new ResponseHandler());
      }
    }, ChannelHealthChecker.ACTIVE, null, -1, maxInFlight, maxInFlight);
  }

  @Override
  public void send(MessageWriter message, Consumer<HttpResponse> onResponse,
      Consumer<Throwable> onError) {
    Map<String, List<String>> headers = headers();
    exports.send(() -> Payloads.body(message, config.getCompressor()), group.next(),
        config.getRetryPolicy(), config.getTimeout(), r -> RETRYABLE.contains(r.getStatusCode()),
        body -> (deadline, done) -> attempt(body, headers, deadline, done), onResponse, onError);
  }

  private Map<String, List<String>> headers() {
    Supplier<Map<String, List<String>>> s = config.getHeadersSupplier();
    Map<String, List<String>> h = s == null ? null : s.get();
    return h == null ? Map.of() : h;
  }

  private void attempt(ByteBuf body, Map<String, List<String>> extra, long deadline,
      BiConsumer<HttpResponse, Throwable> done) {
    pool.acquire().addListener(f -> {
      if (!f.isSuccess()) {
        done.accept(null, asIo(f.cause()));
        return;
      }
      Channel ch = (Channel) f.getNow();
      Exchange ex = new Exchange(ch, done);
      ch.attr(EXCHANGE).set(ex);
      long remaining = deadline - System.nanoTime();
      ex.timeout = ch.eventLoop().schedule(() -> ex.fail(new SocketTimeoutException(
          "no response from " + config.getEndpoint() + " within "
              + config.getTimeout().toMillis() + " ms")), Math.max(0, remaining),
          TimeUnit.NANOSECONDS);

      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
          path, body.retainedDuplicate());
      HttpHeaders h = req.headers();
      h.set(HttpHeaderNames.HOST, hostHeader);
      h.set(HttpHeaderNames.CONTENT_TYPE, config.getContentType());
      h.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      if (config.getCompressor() != null) {
        h.set(HttpHeaderNames.CONTENT_ENCODING, config.getCompressor().getEncoding());
      }
      h.set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
      extra.forEach((k, vs) -> vs.forEach(v -> h.add(k, v)));
      ch.writeAndFlush(req).addListener(w -> {
        if (!w.isSuccess()) {
          ex.fail(asIo(w.cause()));
        }
      });
    });
  }

  /** One request on one pooled connection; gives the connection back exactly once. */
  private final class Exchange {
    final Channel ch;
    final BiConsumer<HttpResponse, Throwable> done;
    final AtomicBoolean finished = new AtomicBoolean();
    ScheduledFuture<?> timeout;

    Exchange(Channel ch, BiConsumer<HttpResponse, Throwable> done) {
      this.ch = ch;
      this.done = done;
    }

    void complete(HttpResponse response, boolean keepAlive) {
      if (finish(!keepAlive)) {
        done.accept(response, null);
      }
    }

    void fail(Throwable t) {
      if (finish(true)) {
        done.accept(null, t);
      }
    }

    private boolean finish(boolean close) {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      ch.attr(EXCHANGE).compareAndSet(this, null);
      if (close) {
        ch.close();
      }
      pool.release(ch);
      return true;
    }
  }

  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      Exchange ex = ctx.channel().attr(EXCHANGE).get();
      if (ex == null) {
        return;
      }
      byte[] body = ByteBufUtil.getBytes(msg.content());
      int status = msg.status().code();
      String reason = msg.status().reasonPhrase();
      ex.complete(new HttpResponse() {
        @Override
        public int getStatusCode() {
          return status;
        }

        @Override
        public String getStatusMessage() {
          return reason;
        }

        @Override
        public byte[] getResponseBody() {
          return body;
        }
      }, HttpUtil.isKeepAlive(msg));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Exchange ex = ctx.channel().attr(EXCHANGE).get();
      if (ex != null) {
        ex.fail(new IOException("connection closed before the response"));
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange ex = ctx.channel().attr(EXCHANGE).get();
      if (ex != null) {
        ex.fail(asIo(cause));
      } else {
        ctx.close();
      }
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    if (exports.shutdown()) {
      pool.closeAsync().addListener(f -> EventLoops.release());
    }
    return CompletableResultCode.ofSuccess();
  }
}
