package io.memspan.agent.export.netty;

import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/** gRPC status rules: which codes are retryable, HTTP status mapping, grpc-message decoding. */
final class GrpcStatuses {
  private GrpcStatuses() {}

  /** As the OpenTelemetry SDK retries them. */
  static final Set<GrpcStatusCode> RETRYABLE = EnumSet.of(GrpcStatusCode.CANCELLED,
      GrpcStatusCode.DEADLINE_EXCEEDED, GrpcStatusCode.RESOURCE_EXHAUSTED, GrpcStatusCode.ABORTED,
      GrpcStatusCode.OUT_OF_RANGE, GrpcStatusCode.UNAVAILABLE, GrpcStatusCode.DATA_LOSS);

  /** When no grpc-status arrived: the mapping of gRPC's "HTTP to gRPC status code" document. */
  static GrpcStatusCode fromHttp(int httpStatus) {
    switch (httpStatus) {
      case 400: return GrpcStatusCode.INTERNAL;
      case 401: return GrpcStatusCode.UNAUTHENTICATED;
      case 403: return GrpcStatusCode.PERMISSION_DENIED;
      case 404: return GrpcStatusCode.UNIMPLEMENTED;
      case 429: case 502: case 503: case 504: return GrpcStatusCode.UNAVAILABLE;
      default: return GrpcStatusCode.UNKNOWN;
    }
  }

  static GrpcStatusCode parse(CharSequence value) {
    try {
      return GrpcStatusCode.fromValue(Integer.parseInt(value.toString().trim()));
    } catch (RuntimeException e) {
      return GrpcStatusCode.UNKNOWN;
    }
  }

  /** grpc-message is percent-encoded UTF-8. */
  static String decodeMessage(CharSequence value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        try {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
          continue;
        } catch (NumberFormatException e) {
          // not an escape: keep the '%'
        }
      }
      out.write(c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
