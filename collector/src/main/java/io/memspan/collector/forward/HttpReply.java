package io.memspan.collector.forward;

import com.google.protobuf.CodedInputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An upstream's answer to one HTTP/1.1 request, fully read. */
record HttpReply(int status, HttpHeaders headers, byte[] body) {

  /**
   * What the upstream said about a failure, for error messages: OTLP/HTTP servers answer with a
   * protobuf {@code google.rpc.Status} whose message explains a 400; others send text.
   */
  String explanation() {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    if (type.startsWith("application/x-protobuf")) {
      String message = statusMessage(body);
      if (message != null) {
        return message;
      }
    }
    int n = Math.min(body.length, 300);
    return new String(body, 0, n, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
  }

  /** google.rpc.Status.message (field 2), or null when the body is not such a message. */
  private static String statusMessage(byte[] body) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(body);
      String message = null;
      for (int tag; (tag = in.readTag()) != 0; ) {
        if (tag == (2 << 3 | 2)) {
          message = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return message;
    } catch (IOException e) {
      return null;
    }
  }
}
