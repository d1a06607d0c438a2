package io.memspan.collector.forward;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP/1.1 server on Netty standing in for an OTLP/HTTP upstream: it records every request
 * (headers, decompressed body, arrival time) and answers from a script, 200 when the script is empty.
 */
final class HttpReceiver implements AutoCloseable {
  record Received(String path, HttpHeaders headers, byte[] body, long nanoTime) {}

  record Answer(int status, String retryAfter, String contentType, byte[] body, boolean silent) {
    static Answer of(int status) {
      return new Answer(status, null, null, new byte[0], false);
    }

    static Answer retryAfter(int status, String value) {
      return new Answer(status, value, null, new byte[0], false);
    }

    /** Never answers: a stalled upstream. */
    static Answer silence() {
      return new Answer(0, null, null, new byte[0], true);
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  final AtomicInteger connections = new AtomicInteger();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final io.netty.handler.ssl.SslContext tls;
  private Channel server;
  private int port;

  HttpReceiver() {
    this(null);
  }

  /** With {@code tls}, an HTTPS upstream. */
  HttpReceiver(io.netty.handler.ssl.SslContext tls) {
    this.tls = tls;
  }

  HttpReceiver start() throws InterruptedException {
    return start(0);
  }

  /**
   * Listens on {@code wantedPort} (0: any). A restart on the old port retries the bind for a few
   * seconds: the connections the stop cut may still hold the port in FIN_WAIT for a moment.
   */
  HttpReceiver start(int wantedPort) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return bind(wantedPort);
      } catch (Exception e) {
        if (!(e instanceof java.net.BindException) || System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private HttpReceiver bind(int wantedPort) throws InterruptedException {
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true) // restart on the same port
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            open.add(ch);
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20), new Handler());
          }
        })
        .bind("127.0.0.1", wantedPort).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
    return this;
  }

  /** Stops listening and cuts every open connection: the upstream is down. */
  void stop() throws InterruptedException {
    server.close().sync();
    open.close().sync();
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      stop();
    }
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
      byte[] raw = new byte[req.content().readableBytes()];
      req.content().readBytes(raw);
      byte[] body = raw;
      if ("gzip".equals(req.headers().get(HttpHeaderNames.CONTENT_ENCODING))) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
          body = in.readAllBytes();
        }
      }
      received.add(new Received(req.uri(), req.headers().copy(), body, System.nanoTime()));
      Answer a = script.poll();
      if (a == null) {
        a = Answer.of(200);
      }
      if (a.silent()) {
        return;
      }
      FullHttpResponse res = new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()), Unpooled.wrappedBuffer(a.body()));
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, a.body().length);
      if (a.retryAfter() != null) {
        res.headers().set(HttpHeaderNames.RETRY_AFTER, a.retryAfter());
      }
      if (a.contentType() != null) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
      }
      ctx.writeAndFlush(res);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // e.g. a client that refused our certificate: expected in the TLS tests
    }
  }
}
