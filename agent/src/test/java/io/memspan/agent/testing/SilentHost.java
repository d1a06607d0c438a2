package io.memspan.agent.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A local port whose connects time out, as a host that drops SYNs does (a collector behind a
 * firewall): a listening socket that never accepts, its accept queue filled first. Linux drops a
 * SYN to a listener whose accept queue is full, so the client's connect hangs until its timeout:
 * the real kernel behaviour, no network needed (addresses such as 10.255.255.1 are answered by
 * this sandbox's network and TEST-NET 192.0.2.1 is its own gateway, which refuses).
 */
public final class SilentHost implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final List<Channel> fillers = new ArrayList<>();

  private SilentHost() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1)
        .option(ChannelOption.AUTO_READ, false) // a server channel's read is accept: never
        .childHandler(new ChannelInboundHandlerAdapter())
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    Bootstrap client = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) { } // connected is all a filler does
        });
    for (int i = 0; i < 16; i++) {
      ChannelFuture f = client.connect(server.localAddress()).await();
      if (f.isSuccess()) {
        fillers.add(f.channel());
      } else if (f.cause() instanceof ConnectTimeoutException) {
        return; // the accept queue is full: from now on connects go unanswered
      } else {
        throw new IllegalStateException("filling the accept queue failed", f.cause());
      }
    }
    throw new IllegalStateException("the accept queue never filled");
  }

  public static SilentHost start() throws InterruptedException {
    return new SilentHost();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** {@code http://127.0.0.1:port}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    fillers.forEach(Channel::close);
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
  }
}
