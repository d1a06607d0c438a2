package io.memspan.collector.forward;

import com.google.protobuf.CodedInputStream;
import io.memspan.collector.otlp.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The end of one gRPC call: its status (from the trailers, or inferred from the HTTP status), the
 * message, the RetryInfo delay if the server gave one, and the response message bytes.
 *
 * @param retryDelayMillis -1 when the server sent no RetryInfo
 */
record GrpcReply(GrpcStatus status, String message, long retryDelayMillis, byte[] response) {

  static final String RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";

  /** Decodes grpc-message, which gRPC percent-encodes (UTF-8). */
  static String decodeMessage(CharSequence raw) {
    if (raw == null) {
      return "";
    }
    String s = raw.toString();
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Finds RetryInfo.retry_delay in grpc-status-details-bin (a base64 google.rpc.Status). Read with
   * protobuf's wire reader so the collector needs no extra proto dependency for two fields.
   *
   * @return the delay in milliseconds, or -1 when absent or unreadable
   */
  static long retryDelayMillis(CharSequence statusDetailsBin) {
    if (statusDetailsBin == null) {
      return -1;
    }
    try {
      byte[] status = Base64.getDecoder().decode(statusDetailsBin.toString().trim());
      CodedInputStream in = CodedInputStream.newInstance(status);
      // gRPC sends it unpadded; the basic decoder accepts that.
      for (int tag; (tag = in.readTag()) != 0; ) {
        if (tag == (3 << 3 | 2)) { // Status.details: repeated Any
          long d = retryDelayInAny(in.readBytes().newCodedInput());
          if (d >= 0) {
            return d;
          }
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
    return -1;
  }

  private static long retryDelayInAny(CodedInputStream any) throws IOException {
    String typeUrl = "";
    com.google.protobuf.ByteString value = null;
    for (int tag; (tag = any.readTag()) != 0; ) {
      switch (tag) {
        case 1 << 3 | 2 -> typeUrl = any.readStringRequireUtf8();
        case 2 << 3 | 2 -> value = any.readBytes();
        default -> any.skipField(tag);
      }
    }
    if (!RETRY_INFO_TYPE.equals(typeUrl) || value == null) {
      return -1;
    }
    long millis = 0;
    CodedInputStream info = value.newCodedInput();
    for (int tag; (tag = info.readTag()) != 0; ) {
      if (tag == (1 << 3 | 2)) { // RetryInfo.retry_delay: google.protobuf.Duration
        CodedInputStream d = info.readBytes().newCodedInput();
        for (int t; (t = d.readTag()) != 0; ) {
          switch (t) {
            case 1 << 3 -> millis += d.readInt64() * 1000;
            case 2 << 3 -> millis += d.readInt32() / 1_000_000;
            default -> d.skipField(t);
          }
        }
      } else {
        info.skipField(tag);
      }
    }
    return Math.max(0, millis);
  }
}
