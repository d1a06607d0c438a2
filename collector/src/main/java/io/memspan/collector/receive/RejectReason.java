package io.memspan.collector.receive;

import io.memspan.collector.otlp.GrpcStatus;

/**
 * Why a request was refused, with the answer each protocol gives for it. The {@link #label} is the
 * {@code reason} label of {@code memspan_collector_rejected_requests_total}.
 */
public enum RejectReason {
  MALFORMED("malformed", 400, GrpcStatus.INVALID_ARGUMENT),
  TOO_LARGE("too_large", 413, GrpcStatus.RESOURCE_EXHAUSTED),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, GrpcStatus.INVALID_ARGUMENT),
  UNSUPPORTED_ENCODING("unsupported_encoding", 415, GrpcStatus.UNIMPLEMENTED),
  UNAUTHENTICATED("unauthenticated", 401, GrpcStatus.UNAUTHENTICATED),
  NOT_FOUND("not_found", 404, GrpcStatus.UNIMPLEMENTED),
  METHOD_NOT_ALLOWED("method_not_allowed", 405, GrpcStatus.UNIMPLEMENTED),
  TIMEOUT("timeout", 408, GrpcStatus.DEADLINE_EXCEEDED),
  NOT_READY("not_ready", 503, GrpcStatus.UNAVAILABLE),
  SPOOL_BUSY("spool_busy", 503, GrpcStatus.UNAVAILABLE),
  OVERLOADED("overloaded", 503, GrpcStatus.UNAVAILABLE),
  SPOOL_FAILED("spool_failed", 500, GrpcStatus.INTERNAL);

  public final String label;
  public final int httpStatus;
  public final GrpcStatus grpcStatus;

  RejectReason(String label, int httpStatus, GrpcStatus grpcStatus) {
    this.label = label;
    this.httpStatus = httpStatus;
    this.grpcStatus = grpcStatus;
  }
}
