package io.memspan.collector.otlp;

/**
 * gRPC status codes, in the gRPC specification's order (so a code is its ordinal), as the receiver
 * answers and the forwarders read them; and which of them the OTLP/gRPC spec says to retry:
 * CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS always;
 * RESOURCE_EXHAUSTED only when the server sent RetryInfo (it is then throttling, not refusing).
 */
public enum GrpcStatus {
  OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
  PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,
  UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED;

  /** The number sent in {@code grpc-status} and in {@code google.rpc.Status.code}. */
  public int code() {
    return ordinal();
  }

  public static GrpcStatus ofCode(int code) {
    GrpcStatus[] all = values();
    return code >= 0 && code < all.length ? all[code] : UNKNOWN;
  }

  /** The status a client infers when an HTTP/2 answer carries no grpc-status (gRPC's mapping). */
  public static GrpcStatus ofHttpStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> INTERNAL;
      case 401 -> UNAUTHENTICATED;
      case 403 -> PERMISSION_DENIED;
      case 404 -> UNIMPLEMENTED;
      case 429, 502, 503, 504 -> UNAVAILABLE;
      default -> UNKNOWN;
    };
  }

  public boolean retryable(boolean hasRetryInfo) {
    return switch (this) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
      case RESOURCE_EXHAUSTED -> hasRetryInfo;
      default -> false;
    };
  }
}
