package io.memspan.collector.forward;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The one event-loop thread a forwarder's client runs its socket on. */
final class Transport {
  private Transport() {}

  static EventLoopGroup newGroup(String sinkName) {
    // Daemon: a forwarder must never keep the collector alive after shutdown.
    return new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("memspan-forward", true), NioIoHandler.newFactory());
  }

  static void shutdown(EventLoopGroup group) {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
