package io.memspan.collector.receive;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Builds the receiver's HTTP responses, including the OTLP error body for each encoding. */
final class HttpResponses {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  private HttpResponses() {}

  static FullHttpResponse of(int status, String contentType, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return r;
  }

  static FullHttpResponse text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** The OTLP/HTTP error response: a google.rpc.Status in the request's encoding. */
  static FullHttpResponse rejected(Rejected r, boolean json) {
    RejectReason reason = r.reason();
    FullHttpResponse resp = json
        ? of(reason.httpStatus, JSON, OtlpDecoder.statusJson(reason.grpcStatus, r.getMessage()))
        : of(reason.httpStatus, PROTOBUF, OtlpDecoder.statusProtobuf(reason.grpcStatus, r.getMessage()));
    if (reason == RejectReason.UNAUTHENTICATED) {
      resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    if (reason.httpStatus == 503) {
      resp.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    return resp;
  }

  /**
   * Sends a refusal of a request whose body is still arriving, then closes gracefully: our side of
   * the connection is shut first so the client reads the whole response, and the socket is closed
   * a moment later. Closing at once would reset the connection while the client is still writing,
   * and the reset can discard the response before the client reads it.
   */
  static void refuseMidBody(io.netty.channel.ChannelHandlerContext ctx, FullHttpResponse r) {
    ctx.writeAndFlush(closing(r)).addListener(f -> {
      if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel d && d.isActive()) {
        d.shutdownOutput();
      }
      ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    });
  }

  /** How long a refused client may go on sending (discarded) before the socket is closed. */
  static final long LINGER_MILLIS = 1_000;

  static FullHttpResponse closing(FullHttpResponse r) {
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }
}
