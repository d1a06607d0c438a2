package io.memspan.agent.export.netty;

import java.net.URI;

/** Reading a host out of an endpoint URL. */
final class Endpoints {
  private Endpoints() {}

  /** The host to connect to: an IPv6 literal loses the brackets the URL needs. */
  static String host(URI uri) {
    String h = uri.getHost();
    return h != null && h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
