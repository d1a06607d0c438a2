package io.memspan.agent.export.netty;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/** The SDK finds this through META-INF/services: OTLP/HTTP exporters send with Netty. */
public final class NettyHttpSenderProvider implements HttpSenderProvider {
  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    return new NettyHttpSender(config);
  }
}
