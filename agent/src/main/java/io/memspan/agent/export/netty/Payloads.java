package io.memspan.agent.export.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/** Serializes the SDK's messages into Netty buffers, plain or with gRPC's 5-byte framing. */
final class Payloads {
  private Payloads() {}

  /** gRPC length-prefixed message: compressed flag (1 byte), length (4 bytes, big-endian). */
  static final int GRPC_HEADER = 5;

  static ByteBuf body(MessageWriter message, Compressor compressor) throws IOException {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(Math.max(64, message.getContentLength()));
    try {
      write(message, compressor, buf);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  static ByteBuf grpcFrame(MessageWriter message, Compressor compressor) throws IOException {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(GRPC_HEADER + Math.max(64,
        message.getContentLength()));
    try {
      buf.writerIndex(GRPC_HEADER);
      write(message, compressor, buf);
      buf.setByte(0, compressor == null ? 0 : 1);
      buf.setInt(1, buf.readableBytes() - GRPC_HEADER);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  private static void write(MessageWriter message, Compressor compressor, ByteBuf buf)
      throws IOException {
    OutputStream out = new ByteBufOutputStream(buf);
    if (compressor != null) {
      out = compressor.compress(out);
    }
    message.writeMessage(out);
    out.close();
  }

  /** The first message of a gRPC response body, decompressed; empty when there is none. */
  static byte[] grpcMessage(ByteBuf data, String encoding) throws IOException {
    if (data.readableBytes() < GRPC_HEADER) {
      return new byte[0];
    }
    boolean compressed = data.readByte() != 0;
    int length = data.readInt();
    if (length < 0 || length > data.readableBytes()) {
      throw new IOException("gRPC response frame says " + length + " bytes, "
          + data.readableBytes() + " arrived");
    }
    ByteBuf msg = data.readSlice(length);
    if (!compressed) {
      byte[] out = new byte[length];
      msg.readBytes(out);
      return out;
    }
    if (!"gzip".equalsIgnoreCase(encoding)) {
      throw new IOException("gRPC response compressed with unsupported encoding " + encoding);
    }
    try (InputStream in = new GZIPInputStream(new ByteBufInputStream(msg))) {
      return in.readAllBytes();
    }
  }
}
