package io.memspan.collector.receive;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client started sending and then stalled: the first byte of a request
 * starts a clock, and the request must be complete ({@link #requestComplete}) before it runs out.
 * A slow client therefore holds one connection for at most the timeout and never delays others.
 */
final class StallGuard extends ChannelDuplexHandler {
  interface OnStall {
    void stalled(ChannelHandlerContext ctx);
  }

  private final long timeoutMillis;
  private final OnStall onStall;
  private final boolean onceOnly;
  private boolean done; // onceOnly: the guarded phase is over
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer; // event loop only

  /**
   * @param onceOnly guard only the first request (HTTP/2: the connection preface; its streams have
   *     their own deadlines) instead of every request (HTTP/1.1)
   */
  StallGuard(long timeoutMillis, boolean onceOnly, OnStall onStall) {
    this.timeoutMillis = timeoutMillis;
    this.onceOnly = onceOnly;
    this.onStall = onStall;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (onceOnly) {
      arm(); // the client must at least complete its preface in time
    }
    super.channelActive(ctx);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b && b.isReadable()) {
      arm();
    }
    ctx.fireChannelRead(msg);
  }

  private void arm() {
    if (timer == null && !done && ctx.channel().isActive()) {
      timer = ctx.executor().schedule(() -> {
        timer = null;
        if (ctx.channel().isActive()) {
          onStall.stalled(ctx);
        }
      }, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** The request in progress has been read completely: stop the clock. Any thread. */
  void requestComplete() {
    if (ctx.executor().inEventLoop()) {
      disarm();
    } else {
      ctx.executor().execute(this::disarm);
    }
  }

  private void disarm() {
    done = onceOnly;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }
}
