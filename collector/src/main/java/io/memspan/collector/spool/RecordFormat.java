package io.memspan.collector.spool;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The one definition of a spool record on disk, little-endian-free (big-endian, Java's default):
 *
 * <pre>
 *   int  bodyLength      length of what follows the 8-byte header
 *   int  crc32c          CRC32C of the body
 *   body:
 *     long position      the record's spool position (equals the previous record's + 1)
 *     byte signal        {@link Signal#ordinal()}
 *     long receivedMillis
 *     byte[] payload     the OTLP protobuf export request
 * </pre>
 *
 * A record whose length is out of range, whose checksum differs or whose position is not the
 * expected one ends the readable part of a segment: that is how recovery finds a torn tail.
 */
final class RecordFormat {
  static final int HEADER_BYTES = 8;
  static final int BODY_FIXED_BYTES = 8 + 1 + 8;
  /** Larger than any request the receiver accepts (its limit is validated against this). */
  static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

  private RecordFormat() {}

  static int recordBytes(int payloadLength) {
    return HEADER_BYTES + BODY_FIXED_BYTES + payloadLength;
  }

  /** Fills {@code head} (HEADER_BYTES + BODY_FIXED_BYTES) for a record; the payload follows it. */
  static void writeHead(ByteBuffer head, long position, Signal signal, long receivedMillis, byte[] payload) {
    head.clear();
    head.putInt(BODY_FIXED_BYTES + payload.length);
    head.putInt(0); // checksum, filled below
    head.putLong(position);
    head.put((byte) signal.ordinal());
    head.putLong(receivedMillis);
    CRC32C crc = new CRC32C();
    crc.update(head.array(), HEADER_BYTES, BODY_FIXED_BYTES);
    crc.update(payload, 0, payload.length);
    head.putInt(4, (int) crc.getValue());
    head.flip();
  }

  /** Checks the body's checksum; {@code body} holds exactly the body bytes. */
  static boolean checksumMatches(int expectedCrc, byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body, 0, body.length);
    return (int) crc.getValue() == expectedCrc;
  }

  static boolean lengthPlausible(int bodyLength) {
    return bodyLength >= BODY_FIXED_BYTES && bodyLength <= MAX_BODY_BYTES;
  }

  /** Decodes a checked body. Returns null when the signal byte is unknown (treated as corrupt). */
  static SpoolEntry decode(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    long position = b.getLong();
    int signal = b.get();
    long received = b.getLong();
    if (signal < 0 || signal >= Signal.values().length) {
      return null;
    }
    byte[] payload = new byte[body.length - BODY_FIXED_BYTES];
    b.get(payload);
    return new SpoolEntry(position, Signal.values()[signal], received, payload);
  }

  static long positionOf(byte[] body) {
    return ByteBuffer.wrap(body).getLong(0);
  }
}
