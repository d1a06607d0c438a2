package io.memspan.collector.ui;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The page's token check, for a collector bound beyond loopback. A browser cannot add a bearer
 * header to a page load, so the token is accepted three ways: {@code Authorization: Bearer T},
 * the cookie {@value #COOKIE} (set when the page is opened once as {@code /?token=T}), or that
 * query parameter itself.
 */
final class UiAuth {
  static final String COOKIE = "memspan_token";

  private final byte[] token;

  UiAuth(String token) {
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean required() {
    return token != null;
  }

  boolean allows(FullHttpRequest req, List<String> tokenParam) {
    if (token == null) return true;
    String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header != null && header.startsWith("Bearer ") && same(header.substring(7))) return true;
    String cookies = req.headers().get(HttpHeaderNames.COOKIE);
    if (cookies != null) {
      for (Cookie c : ServerCookieDecoder.STRICT.decode(cookies)) {
        if (COOKIE.equals(c.name()) && same(c.value())) return true;
      }
    }
    return tokenParam != null && tokenParam.size() == 1 && same(tokenParam.get(0));
  }

  private boolean same(String presented) {
    return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }
}
