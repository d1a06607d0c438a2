package io.memspan.collector.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One append-only segment file, named after the position of its first record. */
final class Segment {
  static final String SUFFIX = ".seg";

  final long firstPosition;
  final Path path;
  /** Bytes of complete records; written by the spool's writer, read by readers after durability. */
  volatile long sizeBytes;
  /** Position after the last record in this segment. */
  volatile long endPosition;

  Segment(Path dir, long firstPosition) {
    this.firstPosition = firstPosition;
    this.path = dir.resolve(fileName(firstPosition));
    this.endPosition = firstPosition;
  }

  static String fileName(long firstPosition) {
    return String.format("%020d%s", firstPosition, SUFFIX);
  }

  static Long parseFirstPosition(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) {
      return null;
    }
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  long records() {
    return endPosition - firstPosition;
  }

  /** Outcome of reading one record at a file offset. */
  record Read(byte[] body, int recordBytes) {}

  /**
   * Reads the record at {@code offset}, or returns null when there is no complete, checksummed
   * record there (end of data or a torn/corrupt record).
   */
  static Read readAt(FileChannel ch, long offset, long limit, ByteBuffer header) throws IOException {
    if (offset + RecordFormat.HEADER_BYTES > limit) {
      return null;
    }
    header.clear();
    readFully(ch, header, offset);
    header.flip();
    int bodyLength = header.getInt();
    int crc = header.getInt();
    if (!RecordFormat.lengthPlausible(bodyLength)
        || offset + RecordFormat.HEADER_BYTES + bodyLength > limit) {
      return null;
    }
    byte[] body = new byte[bodyLength];
    readFully(ch, ByteBuffer.wrap(body), offset + RecordFormat.HEADER_BYTES);
    if (!RecordFormat.checksumMatches(crc, body)) {
      return null;
    }
    return new Read(body, RecordFormat.HEADER_BYTES + bodyLength);
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long offset) throws IOException {
    long pos = offset;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new IOException("unexpected end of " + ch + " at " + pos);
      }
      pos += n;
    }
  }
}
