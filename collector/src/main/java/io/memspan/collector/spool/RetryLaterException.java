package io.memspan.collector.spool;

/** Thrown by a sink that cannot take an entry now: a down upstream, a 429/503 with Retry-After. */
public final class RetryLaterException extends Exception {
  private final long delayMillis;

  public RetryLaterException(String reason, long delayMillis) {
    super(reason);
    this.delayMillis = delayMillis;
  }

  /** How long to wait before the next attempt; 0 means use the dispatcher's backoff. */
  public long delayMillis() {
    return delayMillis;
  }
}
