package io.memspan.collector.ui;

import io.memspan.collector.ops.Log;
import io.netty.buffer.Unpooled;
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

  UiHandler(QueryApi api, StaticAssets assets, UiAuth auth) {
    this.api = api;
    this.assets = assets;
    this.auth = auth;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), true);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(req.method());
    if (!HttpMethod.GET.equals(req.method()) && !head) {
      FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served here");
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, req, r, false);
      return;
    }
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    Map<String, List<String>> params = new HashMap<>(qs.parameters());
    List<String> tokenParam = auth.required() ? params.remove("token") : null;
    if (!auth.allows(req, tokenParam)) {
      send(ctx, req, text(HttpResponseStatus.UNAUTHORIZED,
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
      send(ctx, req, r, false);
      return;
    }
    FullHttpResponse r;
    if (path.startsWith("/api/")) {
      QueryApi.Response a;
      try {
        a = api.handle(path, params);
      } catch (RuntimeException e) {
        Log.error("ui_query_failed", "path", path, "error", String.valueOf(e));
        a = new QueryApi.Response(500, "{\"error\":\"internal error; see the collector's log\"}".getBytes(StandardCharsets.UTF_8));
      }
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
          Unpooled.wrappedBuffer(a.json()));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    } else {
      StaticAssets.Asset asset = assets.get(path);
      if (asset == null) {
        r = text(HttpResponseStatus.NOT_FOUND, "not found: the page is at / and the API under /api/");
      } else {
        r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(asset.bytes()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
      }
    }
    if (head) {
      int length = r.content().readableBytes();
      r = r.replace(Unpooled.EMPTY_BUFFER);
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
      send(ctx, req, r, false, false);
      return;
    }
    send(ctx, req, r, false);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String message) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r, boolean close) {
    send(ctx, req, r, close, true);
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r, boolean close,
      boolean setLength) {
    if (setLength) HttpUtil.setContentLength(r, r.content().readableBytes());
    r.headers()
        .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (close || !HttpUtil.isKeepAlive(req)) {
      HttpUtil.setKeepAlive(r, false);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(r);
    }
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
