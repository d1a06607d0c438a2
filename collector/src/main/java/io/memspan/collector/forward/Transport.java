package io.memspan.collector.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * How a forwarder's client reaches its upstream: its own event-loop thread, TCP with the connect
 * timeout, TLS (verifying the host name) when the URL is https, then the protocol's handlers. The
 * calling thread waits for the connection; the event loop never blocks.
 */
final class Transport implements AutoCloseable {
  private final Endpoint endpoint;
  private final ForwarderOptions options;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private volatile long connections;

  /**
   * @param ssl the client TLS context ({@link #tls}), or null for cleartext
   * @param protocol adds the HTTP/1.1 or HTTP/2 handlers after TLS
   */
  Transport(Endpoint endpoint, ForwarderOptions options, SslContext ssl, Consumer<ChannelPipeline> protocol) {
    this.endpoint = endpoint;
    this.options = options;
    // Daemon: a forwarder must never keep the collector alive after shutdown.
    this.group = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("memspan-forward", true), NioIoHandler.newFactory());
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc(), endpoint.host(), endpoint.port()));
            }
            protocol.accept(ch.pipeline());
          }
        });
  }

  /** Builds a client TLS context; a failure is a setup error, not a delivery error. */
  static SslContext tls(SslContextBuilder builder) {
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Opens a new connection, waiting at most the connect timeout (and a second for the loop). */
  Channel connect() throws IOException, InterruptedException {
    ChannelFuture f = bootstrap.connect(endpoint.host(), endpoint.port());
    if (!f.await(options.connectTimeout().toMillis() + 1000)) {
      f.channel().close();
      throw new ConnectException("connect to " + endpoint.authority() + " timed out");
    }
    if (!f.isSuccess()) {
      throw new ConnectException("cannot connect to " + endpoint.authority() + ": " + f.cause().getMessage());
    }
    connections++;
    return f.channel();
  }

  /** How many TCP connections were opened so far. */
  long connections() {
    return connections;
  }

  /** Closes {@code current} (if any) and ends the event-loop thread. */
  void close(Channel current) {
    if (current != null) {
      current.close().awaitUninterruptibly(1000);
    }
    close();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
