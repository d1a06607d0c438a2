package io.memspan.agent.export.netty;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBufAllocator;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Client TLS on the JDK's provider (no native OpenSSL). The SDK hands us an {@link SSLContext}
 * when certificates were configured (OTEL_EXPORTER_OTLP_CERTIFICATE, client key and certificate);
 * otherwise the JDK's default trust store applies. Host names are verified.
 */
final class Tls {
  private Tls() {}

  static SslContext client(SSLContext configured, List<String> protocols, boolean h2) {
    SSLContext ctx = configured;
    if (ctx == null) {
      try {
        ctx = SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default TLS context in this JDK", e);
      }
    }
    ApplicationProtocolConfig alpn = h2
        ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2)
        : ApplicationProtocolConfig.DISABLED;
    String[] enabled = protocols == null || protocols.isEmpty()
        ? null : protocols.toArray(new String[0]);
    return new JdkSslContext(ctx, true, null, IdentityCipherSuiteFilter.INSTANCE, alpn,
        ClientAuth.NONE, enabled, false);
  }

  static SslHandler handler(SslContext ctx, ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = ctx.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }
}
