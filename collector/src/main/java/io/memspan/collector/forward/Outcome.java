package io.memspan.collector.forward;

/** How one delivery attempt ended, as the forwarder's protocol code judged it. */
sealed interface Outcome {

  /** The upstream took the request; it may still have refused some items (OTLP partial success). */
  record Delivered(long rejectedItems, String rejectReason, String rejectMessage) implements Outcome {}

  /** Worth trying again: outage, 429/503, UNAVAILABLE. A delay of 0 leaves it to the backoff. */
  record Retry(String error, long delayMillis) implements Outcome {}

  /** Refused for good (OTLP says not to retry these); counted under {@code reason}. */
  record Dropped(String reason, String error) implements Outcome {}

  /** This sink does not carry this kind of entry (metrics to Zipkin). */
  record NotApplicable() implements Outcome {}

  Outcome DELIVERED = new Delivered(0, "", "");
  Outcome NOT_APPLICABLE = new NotApplicable();
}
