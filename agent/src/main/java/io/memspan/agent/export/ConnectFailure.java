package io.memspan.agent.export;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;

/**
 * Why an export never reached its collector, told apart because they mean different things to
 * whoever reads the exit line: a refused connection (nothing listening there), a connect that
 * timed out (the host did not answer: a firewall dropping SYNs, a collector host still starting)
 * and no route to the host.
 */
enum ConnectFailure {
  REFUSED,
  TIMED_OUT,
  UNREACHABLE;

  /** The connect failure somewhere in {@code t}'s causes, or null when there is none. */
  static ConnectFailure of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      // Netty's connect timeout is a ConnectException too: asked first
      if (c instanceof io.netty.channel.ConnectTimeoutException) {
        return TIMED_OUT;
      }
      if (c instanceof NoRouteToHostException) {
        return UNREACHABLE;
      }
      if (c instanceof ConnectException) {
        return REFUSED;
      }
      if (c instanceof SocketException && c.getMessage() != null
          && c.getMessage().contains("unreachable")) {
        return UNREACHABLE; // "Network is unreachable"
      }
    }
    return null;
  }

  /** A definite answer that nobody will take the export there now: retrying at exit is futile. */
  boolean definite() {
    return this != TIMED_OUT;
  }

  /**
   * What a user reads, e.g. {@code nothing listening at localhost:4318}.
   *
   * @param connectTimeoutMillis how long a connect may take (the attempt that timed out waited so)
   */
  String describe(String authority, long connectTimeoutMillis) {
    switch (this) {
      case REFUSED:
        return "nothing listening at " + authority;
      case TIMED_OUT:
        return "collector at " + authority + " did not answer within " + connectTimeoutMillis
            + " ms";
      default:
        return "no route to " + authority;
    }
  }

  /** {@code host:port} of an endpoint URL, with the scheme's port when it names none. */
  static String authority(URI endpoint) {
    int port = endpoint.getPort() > 0 ? endpoint.getPort()
        : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    return endpoint.getHost() + ":" + port;
  }
}
