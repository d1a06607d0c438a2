package io.memspan.agent.export.netty;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/** The SDK finds this through META-INF/services: OTLP/gRPC exporters send with Netty. */
public final class NettyGrpcSenderProvider implements GrpcSenderProvider {
  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    return new NettyGrpcSender(config);
  }
}
