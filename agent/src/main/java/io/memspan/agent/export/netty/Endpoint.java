package io.memspan.agent.export.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * Where a sender connects, read from its endpoint URL, and how: TCP on NIO with the configured
 * connect timeout and no Nagle delay.
 *
 * @param host the host to connect to (an IPv6 literal without the brackets the URL needs)
 * @param port the URL's port, else 443 for https and 80 for http
 */
record Endpoint(URI uri, boolean https, String host, int port) {

  static Endpoint of(URI uri) {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    String h = uri.getHost();
    String host = h != null && h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    return new Endpoint(uri, https, host, uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80);
  }

  /** A bootstrap to this endpoint; the caller adds the handler (or a pool does). */
  Bootstrap bootstrap(EventLoopGroup group, Duration connectTimeout) {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.max(1, Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE)))
        .option(ChannelOption.TCP_NODELAY, true)
        .remoteAddress(InetSocketAddress.createUnresolved(host, port));
  }
}
