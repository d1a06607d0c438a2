package io.memspan.collector.receive;

import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;

/**
 * The OTLP/HTTP server: {@code /v1/traces}, {@code /v1/metrics}, plus {@code /metrics},
 * {@code /healthz} and {@code /readyz}. Netty reads and aggregates each request on the event loop
 * (bounded by the body limit, cut short by {@link StallGuard}); decoding and the durable-append wait
 * run on a separate executor group so one large request never delays another connection's I/O.
 */
public final class HttpReceiver extends Listener {
  /** Where a server listens, and how long a request and an idle connection may take. */
  public record Settings(InetSocketAddress bind, long requestTimeoutMillis, long idleTimeoutMillis) {}

  public HttpReceiver(EventLoops loops, EventExecutorGroup decoders, Settings settings, Ingest ingest,
      TokenCheck token, Metrics metrics) throws InterruptedException {
    super(loops, settings, ch -> pipeline(ch, decoders, settings, ingest, token, metrics));
  }

  private static void pipeline(SocketChannel ch, EventExecutorGroup decoders, Settings settings, Ingest ingest,
      TokenCheck token, Metrics metrics) {
    int max = ingest.maxBodyBytes();
    StallGuard guard = new StallGuard(settings.requestTimeoutMillis(), false, ctx -> {
      ingest.reject(RejectReason.TIMEOUT, "request not completed in time");
      Log.warn("http_request_timeout", "remote", ctx.channel().remoteAddress(),
          "timeout_ms", settings.requestTimeoutMillis());
      Rejected r = new Rejected(RejectReason.TIMEOUT,
          "request not received within " + settings.requestTimeoutMillis() + " ms");
      ctx.pipeline().writeAndFlush(HttpResponses.closing(HttpResponses.rejected(r, true)))
          .addListener(ChannelFutureListener.CLOSE);
    });
    ch.pipeline()
        .addLast("stall", guard)
        .addLast("codec", new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
        .addLast("authorize", new HeadAuthorization(token, ingest))
        .addLast("budget", new BudgetedBodies(ingest))
        .addLast("aggregate", new LimitedAggregator(max, ingest))
        .addLast("complete", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
              guard.requestComplete();
            }
            ctx.fireChannelRead(msg);
          }
        })
        .addLast(decoders, "otlp", new OtlpHttpHandler(ingest, metrics));
  }

  /**
   * Takes each body chunk from the shared {@link BodyBudget} before it is aggregated; the request
   * handler gives it back once it has copied the body. Out of budget: 503 and close.
   */
  static final class BudgetedBodies extends ChannelInboundHandlerAdapter {
    private final Ingest ingest;
    private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
    private boolean refused;

    BudgetedBodies(Ingest ingest) {
      this.ingest = ingest;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (refused) {
        io.netty.util.ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof io.netty.handler.codec.http.HttpContent c) {
        int n = c.content().readableBytes();
        if (!ingest.bodies().tryReserve(n)) {
          refused = true;
          io.netty.util.ReferenceCountUtil.release(msg);
          Rejected r = ingest.reject(RejectReason.OVERLOADED,
              "collector is overloaded: too many request bodies in progress; retry later");
          Log.warn("http_overloaded", "remote", ctx.channel().remoteAddress(), "budget_bytes", ingest.bodies().capacity());
          HttpResponses.refuseMidBody(ctx, HttpResponses.rejected(r, true));
          return;
        }
        held.addAndGet(n);
      }
      ctx.fireChannelRead(msg);
    }

    /** Gives back what this connection holds (its request body was copied out). Any thread. */
    void releaseAll() {
      ingest.bodies().release(held.getAndSet(0));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      releaseAll();
      super.channelInactive(ctx);
    }
  }

  /** Aggregates a request up to the body limit; answers 413 with the OTLP error body beyond it. */
  static final class LimitedAggregator extends HttpObjectAggregator {
    private final Ingest ingest;

    LimitedAggregator(int maxBytes, Ingest ingest) {
      super(maxBytes, true);
      this.ingest = ingest;
    }

    /**
     * Netty would answer an oversized {@code Expect: 100-continue} itself, with an empty 413 that is
     * not counted; declining here sends it to {@link #handleOversizedMessage} like any other.
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, io.netty.channel.ChannelPipeline p) {
      if (io.netty.handler.codec.http.HttpUtil.is100ContinueExpected(start)
          && io.netty.handler.codec.http.HttpUtil.getContentLength(start, -1L) > maxContentLength) {
        return null;
      }
      return super.newContinueResponse(start, maxContentLength, p);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      Rejected r = ingest.reject(RejectReason.TOO_LARGE,
          "request body larger than the limit of " + maxContentLength() + " bytes");
      String type = oversized.headers().get("content-type", "");
      HttpResponses.refuseMidBody(ctx, HttpResponses.rejected(r, type.contains("json")));
    }
  }
}
