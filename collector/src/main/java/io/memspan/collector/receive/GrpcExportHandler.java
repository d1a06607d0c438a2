package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.memspan.collector.spool.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call on one HTTP/2 stream: reads the headers and the length-prefixed message (up to
 * the body limit), decodes it off the event loop, spools it, and answers with the response message
 * and {@code grpc-status} trailers; errors get a trailers-only response naming the problem.
 */
final class GrpcExportHandler extends ChannelInboundHandlerAdapter {
  private static final int PREFIX_BYTES = 5; // compressed flag (1) + message length (4, big-endian)

  private final Ingest ingest;
  private final TokenCheck token;
  private final Executor decoders;
  private final long timeoutMillis;
  private CompositeByteBuf body;
  private Signal signal;
  private boolean gzip;
  private boolean finished; // a response (or refusal) has been sent
  private ScheduledFuture<?> deadline;
  private long held; // bytes of the body budget this stream holds

  GrpcExportHandler(Ingest ingest, TokenCheck token, Executor decoders, long timeoutMillis) {
    this.ingest = ingest;
    this.token = token;
    this.decoders = decoders;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    body = ctx.alloc().compositeBuffer(1024);
    deadline = ctx.executor().schedule(() -> {
      if (!finished) {
        Log.warn("grpc_request_timeout", "remote", ctx.channel().parent().remoteAddress(), "timeout_ms", timeoutMillis);
        refuse(ctx, ingest.reject(RejectReason.TIMEOUT, "request not received within " + timeoutMillis + " ms"));
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline.cancel(false);
    body.release();
    ingest.bodies().release(held);
    held = 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (finished) {
        return; // already answered (refused); the rest of the request is discarded
      }
      if (msg instanceof Http2HeadersFrame h) {
        if (signal == null) {
          onHeaders(ctx, h);
        } else if (h.isEndStream()) {
          onEnd(ctx); // client trailers (unusual for unary calls, but legal)
        }
      } else if (msg instanceof Http2DataFrame d) {
        ByteBuf content = d.content();
        if (body.readableBytes() + content.readableBytes() > ingest.maxBodyBytes() + PREFIX_BYTES) {
          refuse(ctx, ingest.reject(RejectReason.TOO_LARGE,
              "request message larger than the limit of " + ingest.maxBodyBytes() + " bytes"));
          return;
        }
        if (!ingest.bodies().tryReserve(content.readableBytes())) {
          refuse(ctx, ingest.reject(RejectReason.OVERLOADED,
              "collector is overloaded: too many request bodies in progress; retry later"));
          return;
        }
        held += content.readableBytes();
        body.addComponent(true, content.retain());
        if (d.isEndStream()) {
          onEnd(ctx);
        }
      }
    } catch (Rejected r) {
      refuse(ctx, r);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) throws Rejected {
    Http2Headers h = frame.headers();
    CharSequence path = h.path();
    if (Signal.TRACES.grpcPath.contentEquals(path == null ? "" : path)) {
      signal = Signal.TRACES;
    } else if (Signal.METRICS.grpcPath.contentEquals(path == null ? "" : path)) {
      signal = Signal.METRICS;
    } else {
      throw ingest.reject(RejectReason.NOT_FOUND, "unknown method " + path
          + " (this collector serves OTLP TraceService/Export and MetricsService/Export)");
    }
    CharSequence auth = h.get("authorization");
    if (!token.allows(auth)) {
      throw ingest.reject(RejectReason.UNAUTHENTICATED, TokenCheck.problem(auth));
    }
    CharSequence type = h.get("content-type");
    if (type == null || !type.toString().startsWith("application/grpc")) {
      throw ingest.reject(RejectReason.UNSUPPORTED_MEDIA_TYPE, "content-type must be application/grpc, got " + type);
    }
    CharSequence enc = h.get("grpc-encoding");
    String encoding = enc == null ? "identity" : enc.toString();
    gzip = encoding.equals("gzip");
    if (!gzip && !encoding.equals("identity")) {
      throw ingest.reject(RejectReason.UNSUPPORTED_ENCODING, "grpc-encoding " + encoding + " is not supported (use gzip or identity)");
    }
    if (frame.isEndStream()) {
      throw ingest.reject(RejectReason.MALFORMED, "request has no message");
    }
  }

  private void onEnd(ChannelHandlerContext ctx) throws Rejected {
    if (body.readableBytes() < PREFIX_BYTES) {
      throw ingest.reject(RejectReason.MALFORMED, "request message is missing its 5-byte gRPC length prefix");
    }
    int flag = body.getUnsignedByte(0);
    long length = body.getUnsignedInt(1);
    if (flag > 1) {
      throw ingest.reject(RejectReason.MALFORMED, "bad gRPC compressed-flag " + flag);
    }
    if (length != body.readableBytes() - PREFIX_BYTES) {
      throw ingest.reject(RejectReason.MALFORMED, "gRPC length prefix says " + length + " bytes but "
          + (body.readableBytes() - PREFIX_BYTES) + " followed (a unary Export carries exactly one message)");
    }
    if (flag == 1 && !gzip) {
      throw ingest.reject(RejectReason.MALFORMED, "message is marked compressed but no grpc-encoding was sent");
    }
    byte[] message = new byte[(int) length];
    body.getBytes(PREFIX_BYTES, message);
    boolean compressed = flag == 1;
    Signal s = signal;
    deadline.cancel(false);
    decoders.execute(() -> decodeAndSpool(ctx, s, message, compressed));
  }

  private void decodeAndSpool(ChannelHandlerContext ctx, Signal s, byte[] message, boolean compressed) {
    OtlpDecoder.Decoded decoded;
    try {
      byte[] raw = compressed ? Gzip.inflate(message, ingest.maxBodyBytes()) : message;
      decoded = OtlpDecoder.fromProtobuf(s, raw);
    } catch (Rejected r) {
      ingest.count(r);
      ctx.executor().execute(() -> refuse(ctx, r));
      return;
    }
    ingest.accept(decoded, "grpc").whenComplete((ok, err) -> ctx.executor().execute(() -> {
      if (err == null) {
        respondOk(ctx);
      } else {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        refuse(ctx, cause instanceof Rejected r ? r : new Rejected(RejectReason.SPOOL_FAILED, cause.toString()));
      }
    }));
  }

  private void respondOk(ChannelHandlerContext ctx) {
    if (finished) {
      return;
    }
    finished = true;
    Http2Headers headers = new DefaultHttp2Headers().status("200")
        .set("content-type", "application/grpc")
        .set("grpc-accept-encoding", "gzip");
    ctx.write(new DefaultHttp2HeadersFrame(headers, false));
    // An empty Export*ServiceResponse: the prefix alone (uncompressed, length 0).
    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[PREFIX_BYTES]), false));
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true));
  }

  /** A trailers-only response: HTTP 200 with the gRPC status in the one header block. */
  private void refuse(ChannelHandlerContext ctx, Rejected r) {
    if (finished) {
      return;
    }
    finished = true;
    deadline.cancel(false);
    Http2Headers headers = new DefaultHttp2Headers().status("200")
        .set("content-type", "application/grpc")
        .set("grpc-status", Integer.toString(r.reason().grpcStatus.code()))
        .set("grpc-message", percentEncode(r.getMessage()));
    // Closing the stream after the trailers resets it, so a client still sending stops.
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).addListener(ChannelFutureListener.CLOSE);
  }

  /** grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2 specification). */
  static String percentEncode(String message) {
    StringBuilder b = new StringBuilder(message.length());
    for (byte x : message.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Log.warn("grpc_stream_error", "error", cause.toString());
    ctx.close();
  }
}
