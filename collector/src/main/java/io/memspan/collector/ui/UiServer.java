package io.memspan.collector.ui;

import io.memspan.collector.store.EmbeddedStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the page ({@code /}) and the JSON query API ({@code /api/...}) over HTTP/1.1 on Netty.
 *
 * <p>Usage: {@code try (UiServer ui = new UiServer(new InetSocketAddress("127.0.0.1", 16686), store, null)) {
 * InetSocketAddress bound = ui.start(); ... }}. Port 0 binds an ephemeral port; {@link #address()}
 * tells which. With a token, every request must carry it (see {@link UiAuth}).
 */
public final class UiServer implements AutoCloseable {
  /** The page's default address: loopback only, Jaeger's UI port. */
  public static final int DEFAULT_PORT = 16686;

  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final int IDLE_SECONDS = 60;

  private final InetSocketAddress bind;
  private final EmbeddedStore store;
  private final UiAuth auth;
  private EventLoopGroup loop;
  private ExecutorService queries;
  private Channel channel;
  private ChannelGroup connections;

  /**
   * @param bind where to listen; port 0 picks a free port
   * @param token the token every request must present, or null for none (loopback use)
   */
  public UiServer(InetSocketAddress bind, EmbeddedStore store, String token) {
    this.bind = bind;
    this.store = store;
    this.auth = new UiAuth(token);
  }

  /** A server on {@code bind} with no token. */
  public UiServer(InetSocketAddress bind, EmbeddedStore store) {
    this(bind, store, null);
  }

  /** Binds and starts serving; returns the bound address. Throws if the address cannot be bound. */
  public synchronized InetSocketAddress start() throws InterruptedException {
    if (channel != null) throw new IllegalStateException("UiServer already started");
    loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // Queries scan the store; they run here so one slow query never stalls the socket loop.
    ExecutorService work = Executors.newFixedThreadPool(2, new DefaultThreadFactory("ui-query", true));
    queries = work;
    QueryApi api = new QueryApi(store);
    StaticAssets assets = new StaticAssets();
    ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    connections = open;
    try {
      channel = new ServerBootstrap()
          .group(loop)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              open.add(ch);
              ch.pipeline()
                  .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                  .addLast(new HttpServerCodec())
                  .addLast(new HttpServerKeepAliveHandler())
                  .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                  .addLast(new UiHandler(api, assets, auth, work));
            }
          })
          .bind(bind)
          .sync()
          .channel();
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    return address();
  }

  /** The bound address, once started. */
  public synchronized InetSocketAddress address() {
    if (channel == null) throw new IllegalStateException("UiServer not started");
    return (InetSocketAddress) channel.localAddress();
  }

  /** Stops listening and releases the threads; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (connections != null) connections.close().awaitUninterruptibly();
    if (loop != null) loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    if (queries != null) queries.shutdownNow();
    loop = null;
    queries = null;
  }
}
