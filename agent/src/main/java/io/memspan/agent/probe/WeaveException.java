package io.memspan.agent.probe;

/** A probe cannot be woven into this JDK's method as specified; the probe is skipped. */
final class WeaveException extends RuntimeException {
  WeaveException(String message) {
    super(message);
  }
}
