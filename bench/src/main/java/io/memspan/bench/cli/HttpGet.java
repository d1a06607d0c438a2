package io.memspan.bench.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A blocking HTTP/1.1 GET over Netty, for the launcher's small clients of the collector's API. */
public final class HttpGet implements AutoCloseable {

  /** Status and body of one response. */
  public record Response(int status, String body) {}

  private static final int MAX_BODY = 64 << 20;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final String token;

  /** @param token bearer token for a collector started with --token, or null */
  public HttpGet(String token) {
    this.token = token;
  }

  public Response get(URI uri, long timeoutMillis) throws IOException {
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    CompletableFuture<Response> result = new CompletableFuture<>();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMillis, 10_000))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS),
                new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY),
                new SimpleChannelInboundHandler<FullHttpResponse>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                    result.complete(new Response(r.status().code(),
                        r.content().toString(StandardCharsets.UTF_8)));
                    ctx.close();
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    result.completeExceptionally(cause);
                    ctx.close();
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    result.completeExceptionally(new IOException("connection closed before a response"));
                  }
                });
          }
        });
    try {
      Channel ch = b.connect(uri.getHost(), port).sync().channel();
      String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
          Unpooled.EMPTY_BUFFER);
      req.headers().set(HttpHeaderNames.HOST, uri.getHost() + ':' + port);
      req.headers().set(HttpHeaderNames.ACCEPT, "application/json");
      if (token != null && !token.isEmpty()) {
        req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
      }
      ch.writeAndFlush(req);
      return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    } catch (ExecutionException e) {
      throw new IOException("GET " + uri + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("GET " + uri + " got no answer in " + timeoutMillis + " ms", e);
    } catch (Exception e) {
      // Netty's sync() rethrows connect failures (ConnectException) unchecked-style.
      throw new IOException("GET " + uri + " failed: " + e, e);
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
