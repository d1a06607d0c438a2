package io.memspan.collector.receive;

/** The gRPC status codes the receiver answers with (values from the gRPC specification). */
public enum GrpcStatus {
  OK(0),
  DEADLINE_EXCEEDED(4),
  RESOURCE_EXHAUSTED(8),
  UNIMPLEMENTED(12),
  INVALID_ARGUMENT(3),
  INTERNAL(13),
  UNAVAILABLE(14),
  UNAUTHENTICATED(16);

  public final int code;

  GrpcStatus(int code) {
    this.code = code;
  }
}
