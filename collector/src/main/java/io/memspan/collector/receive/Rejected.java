package io.memspan.collector.receive;

/** A request refused for a {@link RejectReason}; the message names the problem for the client. */
public final class Rejected extends Exception {
  private final RejectReason reason;

  public Rejected(RejectReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
