package io.memspan.collector.ui;

import io.memspan.collector.ops.Log;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Answers one HTTP request: the API under {@code /api/}, the page's files elsewhere. */
final class UiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /**
   * The page runs only its own script and talks only to this server: even if data ever reached
   * the DOM as markup, the browser would refuse to run it.
   */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final QueryApi api;
  private final StaticAssets assets;
  private final UiAuth auth;
  private final Executor queries;

  UiHandler(QueryApi api, StaticAssets assets, UiAuth auth, Executor queries) {
    this.api = api;
    this.assets = assets;
    this.auth = auth;
    this.queries = queries;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.decoderResult().isSuccess()) {
      send(ctx, false, text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), false);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(req.method());
    if (!HttpMethod.GET.equals(req.method()) && !head) {
      FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served here");
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, keepAlive, r, false);
      return;
    }
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    Map<String, List<String>> params = new HashMap<>(qs.parameters());
    List<String> tokenParam = auth.required() ? params.remove("token") : null;
    if (!auth.allows(req, tokenParam)) {
      send(ctx, keepAlive, text(HttpResponseStatus.UNAUTHORIZED,
          "missing or wrong token: open /?token=TOKEN once, or send 'Authorization: Bearer TOKEN'"), false);
      return;
    }
    String path = qs.path();
    if (tokenParam != null && "/".equals(path)) {
      // Keep the token out of the address bar and history: remember it in a cookie, reload clean.
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
      DefaultCookie c = new DefaultCookie(UiAuth.COOKIE, tokenParam.get(0));
      c.setHttpOnly(true);
      c.setPath("/");
      c.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
      r.headers().set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(c));
      r.headers().set(HttpHeaderNames.LOCATION, "/");
      send(ctx, keepAlive, r, false);
      return;
    }
    if (path.startsWith("/api/")) {
      // Queries scan the store: run them off the socket loop, one at a time per connection (no
      // reads until the answer is written), so answers keep their requests' order.
      ctx.channel().config().setAutoRead(false);
      try {
        queries.execute(() -> {
          FullHttpResponse r = query(path, params);
          send(ctx, keepAlive, r, head).addListener(f -> ctx.channel().config().setAutoRead(true));
        });
      } catch (RejectedExecutionException e) {
        ctx.close(); // shutting down
      }
      return;
    }
    StaticAssets.Asset asset = assets.get(path);
    FullHttpResponse r;
    if (asset == null) {
      r = text(HttpResponseStatus.NOT_FOUND, "not found: the page is at / and the API under /api/");
    } else {
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(asset.bytes()));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
    }
    send(ctx, keepAlive, r, head);
  }

  private FullHttpResponse query(String path, Map<String, List<String>> params) {
    QueryApi.Response a;
    try {
      a = api.handle(path, params);
    } catch (RuntimeException e) {
      Log.error("ui_query_failed", "path", path, "error", String.valueOf(e));
      a = new QueryApi.Response(500, "{\"error\":\"internal error; see the collector's log\"}".getBytes(StandardCharsets.UTF_8));
    }
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
        Unpooled.wrappedBuffer(a.json()));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return r;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String message) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  /** Writes {@code r} with the page's security headers; for HEAD, its headers only. */
  private static ChannelFuture send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r, boolean head) {
    int length = r.content().readableBytes();
    if (head) r = r.replace(Unpooled.EMPTY_BUFFER);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
    r.headers()
        .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    HttpUtil.setKeepAlive(r, keepAlive);
    ChannelFuture f = ctx.writeAndFlush(r);
    if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    return f;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
