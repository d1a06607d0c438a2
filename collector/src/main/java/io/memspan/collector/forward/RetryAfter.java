package io.memspan.collector.forward;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
final class RetryAfter {
  private RetryAfter() {}

  /** The delay in milliseconds, or 0 when the header is absent or unreadable (use the backoff). */
  static long millis(String header, Instant now) {
    if (header == null) {
      return 0;
    }
    String v = header.trim();
    if (v.isEmpty()) {
      return 0;
    }
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Math.multiplyExact(Long.parseLong(v), 1000L);
      } catch (ArithmeticException | NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
