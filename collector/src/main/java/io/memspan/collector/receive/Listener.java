package io.memspan.collector.receive;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One listening socket of the receiver, on the shared event loops: it keeps track of its
 * connections (so shutdown can close them after answering what is in flight) and closes those
 * idle longer than the idle timeout. The protocol (HTTP/1.1 or HTTP/2) adds its handlers after.
 */
abstract class Listener implements AutoCloseable {
  private final Channel server;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** @param protocol adds the protocol's handlers to a new connection's pipeline */
  Listener(EventLoops loops, HttpReceiver.Settings settings, Consumer<SocketChannel> protocol)
      throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(loops.boss(), loops.workers())
        .channel(loops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                .addLast("idle-close", new IdleCloser());
            protocol.accept(ch);
          }
        });
    server = b.bind(settings.bind()).sync().channel();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Stops accepting; connections in flight finish on their own. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  /** Closes every open connection (after {@link #close}, once in-flight requests are answered). */
  public void closeConnections() {
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** Closes connections that have been idle too long. */
  private static final class IdleCloser extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }
}
