package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * Handles one aggregated HTTP request: OTLP export, metrics or health. The bearer token was checked
 * on the request head ({@link HeadAuthorization}) before any body was read: a request that reaches
 * this handler on a protected path is authorized.
 */
@ChannelHandler.Sharable
final class OtlpHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final byte[] EMPTY_RESPONSE = new byte[0]; // an empty Export*ServiceResponse
  private static final byte[] EMPTY_JSON = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Ingest ingest;
  private final Metrics metrics;

  OtlpHttpHandler(Ingest ingest, Metrics metrics) {
    this.ingest = ingest;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    try {
      handle(ctx, req);
    } finally {
      // The aggregated body is released when this returns (its bytes were copied if needed).
      HttpReceiver.BudgetedBodies budget = ctx.pipeline().get(HttpReceiver.BudgetedBodies.class);
      if (budget != null) {
        budget.releaseAll();
      }
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (req.decoderResult().isFailure()) {
      Rejected r = ingest.reject(RejectReason.MALFORMED, "malformed HTTP request: " + req.decoderResult().cause());
      send(ctx, HttpResponses.rejected(r, true), false);
      return;
    }
    String path = req.uri();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    switch (path) {
      case "/healthz" -> send(ctx, HttpResponses.text(200, "ok\n"), keepAlive);
      case "/readyz" -> {
        String why = ingest.notReadyReason();
        send(ctx, why == null ? HttpResponses.text(200, "ready\n") : HttpResponses.text(503, "not ready: " + why + "\n"),
            keepAlive);
      }
      case "/metrics" -> {
        FullHttpResponse r = HttpResponses.of(200, "text/plain; version=0.0.4; charset=utf-8",
            metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(ctx, r, keepAlive);
      }
      case "/v1/traces" -> export(ctx, req, Signal.TRACES, keepAlive);
      case "/v1/metrics" -> export(ctx, req, Signal.METRICS, keepAlive);
      default -> send(ctx, HttpResponses.rejected(ingest.reject(RejectReason.NOT_FOUND,
          "no such path: " + OtlpJsonIds.abbreviate(path) + " (OTLP/HTTP paths are /v1/traces and /v1/metrics)"),
          true), keepAlive);
    }
  }

  private void export(ChannelHandlerContext ctx, FullHttpRequest req, Signal signal, boolean keepAlive) {
    String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    boolean json = mime.equals("application/json");
    boolean protobuf = mime.equals("application/x-protobuf") || mime.equals("application/protobuf");
    try {
      if (!req.method().equals(HttpMethod.POST)) {
        throw ingest.reject(RejectReason.METHOD_NOT_ALLOWED, req.method() + " not allowed: OTLP/HTTP exports are POSTed");
      }
      if (!json && !protobuf) {
        throw ingest.reject(RejectReason.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Type \""
            + OtlpJsonIds.abbreviate(type) + "\": use application/x-protobuf or application/json");
      }
      byte[] body = ByteBufUtil.getBytes(req.content());
      String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING, "identity").trim().toLowerCase(Locale.ROOT);
      if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
        body = Gzip.inflate(body, ingest.maxBodyBytes());
      } else if (!encoding.equals("identity") && !encoding.isEmpty()) {
        throw ingest.reject(RejectReason.UNSUPPORTED_ENCODING, "unsupported Content-Encoding \""
            + OtlpJsonIds.abbreviate(encoding) + "\": use gzip or none");
      }
      OtlpDecoder.Decoded decoded = json ? OtlpDecoder.fromJson(signal, body) : OtlpDecoder.fromProtobuf(signal, body);
      ingest.accept(decoded, "http").whenComplete((ok, err) -> {
        if (err == null) {
          send(ctx, HttpResponses.of(200, json ? HttpResponses.JSON : HttpResponses.PROTOBUF,
              json ? EMPTY_JSON : EMPTY_RESPONSE), keepAlive);
        } else {
          Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          Rejected r = cause instanceof Rejected rj ? rj : new Rejected(RejectReason.SPOOL_FAILED, cause.toString());
          send(ctx, HttpResponses.rejected(r, json), keepAlive);
        }
      });
    } catch (Rejected r) {
      if (r.reason() == RejectReason.MALFORMED || r.reason() == RejectReason.TOO_LARGE) {
        ingest.count(r);
      }
      send(ctx, HttpResponses.rejected(r, json), keepAlive && r.reason() != RejectReason.TOO_LARGE);
    }
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse resp, boolean keepAlive) {
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
    } else {
      HttpResponses.closing(resp);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Log.warn("http_connection_error", "remote", ctx.channel().remoteAddress(), "error", cause.toString());
    ctx.close();
  }
}
