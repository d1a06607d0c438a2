package io.memspan.collector.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void inflatesEveryMemberOfAMultiMemberBody() throws Exception {
    byte[] body = concat(gzip(ascii("first-")), gzip(ascii("second-")), gzip(ascii("third")));
    assertArrayEquals(ascii("first-second-third"), Gzip.inflate(body, 1 << 20));
  }

  @Test
  void rejectsACorruptCrcTrailer() throws Exception {
    byte[] body = gzip(ascii("payload"));
    body[body.length - 8] ^= 1;
    Rejected e = assertThrows(Rejected.class, () -> Gzip.inflate(body, 1 << 20));
    assertEquals(RejectReason.MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("CRC32"), e.getMessage());
  }

  @Test
  void rejectsAWrongIsize() throws Exception {
    byte[] body = gzip(ascii("payload"));
    body[body.length - 4] ^= 1;
    Rejected e = assertThrows(Rejected.class, () -> Gzip.inflate(body, 1 << 20));
    assertTrue(e.getMessage().contains("ISIZE"), e.getMessage());
  }

  @Test
  void rejectsAMissingTrailer() throws Exception {
    byte[] full = gzip(ascii("payload"));
    byte[] body = java.util.Arrays.copyOf(full, full.length - 8);
    Rejected e = assertThrows(Rejected.class, () -> Gzip.inflate(body, 1 << 20));
    assertEquals(RejectReason.MALFORMED, e.reason());
  }

  @Test
  void rejectsTrailingBytesThatAreNotAMember() throws Exception {
    byte[] body = concat(gzip(ascii("payload")), ascii("junk"));
    Rejected e = assertThrows(Rejected.class, () -> Gzip.inflate(body, 1 << 20));
    assertEquals(RejectReason.MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("4 trailing bytes"), e.getMessage());
  }

  @Test
  void limitsTheInflatedSizeAcrossMembers() throws Exception {
    byte[] member = gzip(new byte[600]);
    Rejected e = assertThrows(Rejected.class, () -> Gzip.inflate(concat(member, member), 1000));
    assertEquals(RejectReason.TOO_LARGE, e.reason());
    assertEquals(1000, Gzip.inflate(concat(member, gzip(new byte[400])), 1000).length);
  }
}
