package io.memspan.collector.forward;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a forwarder sends: scheme, host, port and the base path that signal paths are appended to
 * (an endpoint in the {@code OTEL_EXPORTER_OTLP_ENDPOINT} sense: {@code http://host:4318/otlp}
 * sends traces to {@code /otlp/v1/traces}).
 */
record Endpoint(String url, boolean tls, String host, int port, String basePath) {

  /**
   * Parses a URL given on the command line; the error names the flag so the user knows which
   * value to fix.
   */
  static Endpoint parse(String flag, String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(flag + " needs a URL such as http://127.0.0.1:4318");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(flag + " '" + url + "' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          flag + " '" + url + "' must start with http:// or https:// (got "
              + (scheme.isEmpty() ? "no scheme" : "scheme '" + scheme + "'") + ")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(flag + " '" + url + "' has no host name");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(flag + " '" + url + "' must not have a query or fragment");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(flag + " '" + url + "' must not carry user info");
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String canonical = scheme + "://" + uri.getRawAuthority() + path;
    return new Endpoint(canonical, tls, host, port, path);
  }

  /** The base path joined with a signal path such as {@code /v1/traces}. */
  String resolve(String signalPath) {
    return basePath + signalPath;
  }

  /** The URL of a signal path on this endpoint, for messages. */
  String urlOf(String path) {
    return (tls ? "https://" : "http://") + authority() + path;
  }

  /** The HTTP Host / :authority value. */
  String authority() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return h + ":" + port;
  }
}
