package io.memspan.collector.forward;

import io.netty.handler.codec.http.HttpHeaders;

/** An upstream's answer to one HTTP/1.1 request, fully read. */
record HttpReply(int status, HttpHeaders headers, byte[] body) {

  /** The start of the body as text, for error messages (upstreams explain a 400 there). */
  String bodySnippet() {
    int n = Math.min(body.length, 300);
    return new String(body, 0, n, java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
  }
}
