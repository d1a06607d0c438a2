package io.memspan.collector.spool;

/** The spool's write queue is full (the disk cannot keep up); the client should retry later. */
public final class SpoolBusyException extends Exception {
  public SpoolBusyException(String message) {
    super(message, null, false, false);
  }
}
