package io.memspan.collector.receive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks {@code Authorization: Bearer <token>} in constant time; with no token configured, anyone may send. */
public final class TokenCheck {
  private final byte[] expected;

  public TokenCheck(String token) {
    this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  public boolean required() {
    return expected != null;
  }

  public boolean allows(CharSequence authorizationHeader) {
    if (expected == null) {
      return true;
    }
    if (authorizationHeader == null) {
      return false;
    }
    return MessageDigest.isEqual(expected, authorizationHeader.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** What to tell a refused client, without echoing what it sent. */
  public static String problem(CharSequence authorizationHeader) {
    return authorizationHeader == null
        ? "missing Authorization: Bearer token (the collector was started with --token)"
        : "wrong bearer token";
  }
}
