package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;

/**
 * Checks the bearer token on the request head, before any body is read: a client with a wrong or
 * missing token gets 401 at once, and can neither hold the shared body budget with a large upload
 * nor be told {@code 100 Continue}. The rest of its request is discarded and the connection closed.
 */
final class HeadAuthorization extends ChannelInboundHandlerAdapter {
  /** Paths that need the token; health checks stay open for probes. */
  private static final Set<String> PROTECTED = Set.of("/v1/traces", "/v1/metrics", "/metrics");

  private final TokenCheck token;
  private final Ingest ingest;
  private boolean refused;

  HeadAuthorization(TokenCheck token, Ingest ingest) {
    this.token = token;
    this.ingest = ingest;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && token.required() && PROTECTED.contains(path(req.uri()))) {
      String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
      if (!token.allows(auth)) {
        refused = true;
        ReferenceCountUtil.release(msg);
        Rejected r = ingest.reject(RejectReason.UNAUTHENTICATED, TokenCheck.problem(auth));
        Log.warn("http_unauthenticated", "remote", ctx.channel().remoteAddress());
        boolean json = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").contains("json");
        HttpResponses.refuseMidBody(ctx, HttpResponses.rejected(r, json));
        return;
      }
    }
    if (refused && msg instanceof HttpContent) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static String path(String uri) {
    int q = uri.indexOf('?');
    return q >= 0 ? uri.substring(0, q) : uri;
  }
}
