package io.memspan.agent.export.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one Netty event loop every memspan sender shares: one daemon thread, NIO (no native
 * transport, so the relocated Netty never looks for native libraries). Reference counted: the
 * thread ends when the last sender shuts down.
 */
final class EventLoops {
  private EventLoops() {}

  static {
    // Netty would otherwise pick up whatever logging library the application carries.
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
  }

  private static EventLoopGroup group;
  private static int users;

  static synchronized EventLoopGroup acquire() {
    if (group == null) {
      group = new MultiThreadIoEventLoopGroup(1,
          new DefaultThreadFactory("memspan-otlp", true), NioIoHandler.newFactory());
    }
    users++;
    return group;
  }

  static synchronized void release() {
    if (--users == 0 && group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
    }
  }
}
