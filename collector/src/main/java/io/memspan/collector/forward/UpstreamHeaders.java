package io.memspan.collector.forward;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Extra request headers every {@code --upstream} request carries ({@code --upstream-header
 * KEY=VALUE}, repeatable): what a hosted backend wants, such as {@code Authorization=Basic ...}
 * for Grafana Cloud or {@code X-Scope-OrgID=tenant} for a multi-tenant Tempo. As HTTP/1.1 headers
 * or, over gRPC, as call metadata (names lower-cased, as HTTP/2 requires). Values are secrets:
 * never logged.
 */
public record UpstreamHeaders(List<Header> headers) {
  public static final UpstreamHeaders NONE = new UpstreamHeaders(List.of());
  static final String FLAG = "--upstream-header";

  /** Headers the forwarder sets itself, or that frame the request: an upstream header may not replace them. */
  private static final Set<String> RESERVED = Set.of("host", "content-type", "content-length", "content-encoding",
      "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "accept-encoding");

  record Header(String name, String value) {}

  public UpstreamHeaders {
    headers = List.copyOf(headers);
  }

  /**
   * Parses the flag's values.
   *
   * @throws IllegalArgumentException naming the flag, the value (without its secret part) and the problem
   */
  public static UpstreamHeaders parse(List<String> values) {
    List<Header> out = new ArrayList<>();
    for (String v : values == null ? List.<String>of() : values) {
      int eq = v.indexOf('=');
      String name = (eq < 0 ? v : v.substring(0, eq)).trim();
      if (eq < 0) {
        throw new IllegalArgumentException(FLAG + " '" + name + "' must be KEY=VALUE, e.g. "
            + FLAG + " 'Authorization=Basic dXNlcjpwYXNz'");
      }
      if (name.isEmpty() || !name.chars().allMatch(UpstreamHeaders::isTokenChar)) {
        throw new IllegalArgumentException(FLAG + " '" + name + "=...': '" + name
            + "' is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (RESERVED.contains(lower) || lower.startsWith("grpc-")) {
        throw new IllegalArgumentException(FLAG + " '" + name + "=...': " + name
            + " is set by the forwarder itself and cannot be replaced");
      }
      String value = v.substring(eq + 1).trim();
      // HTTP/1.1 sends header values as bytes and gRPC's ASCII metadata takes only printable ASCII.
      if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c > 0x7e)) {
        throw new IllegalArgumentException(FLAG + " '" + name + "=...': the value must be printable ASCII "
            + "(a line break would end the header)");
      }
      out.add(new Header(name, value));
    }
    return out.isEmpty() ? NONE : new UpstreamHeaders(out);
  }

  void addTo(HttpHeaders h) {
    for (Header x : headers) {
      h.add(x.name(), x.value());
    }
  }

  void addTo(Http2Headers h) {
    for (Header x : headers) {
      h.add(x.name().toLowerCase(Locale.ROOT), x.value());
    }
  }

  /** RFC 9110 token characters, the only ones a field name may have. */
  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
