package io.memspan.collector.receive;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates gzip bodies with a hard limit on the inflated size, so a small "gzip bomb" cannot make
 * the collector allocate more than the body limit. Every member of a multi-member body (RFC 1952
 * section 2.2) is inflated and its CRC32/ISIZE trailer checked: silently keeping only the first
 * member would acknowledge data that was never stored.
 */
final class Gzip {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int TRAILER_BYTES = 8;

  private Gzip() {}

  static byte[] inflate(byte[] gz, int maxBytes) throws Rejected {
    if (!isMemberStart(gz, 0)) {
      throw new Rejected(RejectReason.MALFORMED, "body is not gzip (Content-Encoding: gzip was declared)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(1024, gz.length * 4)));
    byte[] buf = new byte[64 * 1024];
    int pos = 0;
    int member = 1;
    while (true) {
      pos = inflateMember(gz, pos, member, out, buf, maxBytes);
      if (pos == gz.length) {
        return out.toByteArray();
      }
      if (!isMemberStart(gz, pos)) {
        throw new Rejected(RejectReason.MALFORMED, "gzip body has " + (gz.length - pos)
            + " trailing bytes after member " + member + " that are not another gzip member");
      }
      member++;
    }
  }

  /** Inflates the member at {@code start} into {@code out}; returns the offset just past its trailer. */
  private static int inflateMember(byte[] gz, int start, int member, ByteArrayOutputStream out, byte[] buf,
      int maxBytes) throws Rejected {
    int pos = start + headerLength(gz, start);
    Inflater inflater = new Inflater(true);
    CRC32 crc = new CRC32();
    long size = 0;
    try {
      inflater.setInput(gz, pos, gz.length - pos);
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0) {
          if (inflater.needsInput() || inflater.needsDictionary()) {
            throw new Rejected(RejectReason.MALFORMED, "gzip body is truncated in member " + member);
          }
          continue;
        }
        if (out.size() + n > maxBytes) {
          throw new Rejected(RejectReason.TOO_LARGE,
              "gzip body inflates to more than the limit of " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
        crc.update(buf, 0, n);
        size += n;
      }
      int trailer = gz.length - inflater.getRemaining();
      if (trailer + TRAILER_BYTES > gz.length) {
        throw new Rejected(RejectReason.MALFORMED, "gzip member " + member + " lacks its CRC32/ISIZE trailer");
      }
      if (le32(gz, trailer) != crc.getValue()) {
        throw new Rejected(RejectReason.MALFORMED, "gzip member " + member + " fails its CRC32 check");
      }
      if (le32(gz, trailer + 4) != (size & 0xffffffffL)) {
        throw new Rejected(RejectReason.MALFORMED, "gzip member " + member + " has the wrong ISIZE");
      }
      return trailer + TRAILER_BYTES;
    } catch (DataFormatException e) {
      throw new Rejected(RejectReason.MALFORMED, "gzip body is corrupt: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static boolean isMemberStart(byte[] gz, int pos) {
    return gz.length - pos >= 10 && (gz[pos] & 0xff) == 0x1f && (gz[pos + 1] & 0xff) == 0x8b && gz[pos + 2] == 8;
  }

  private static long le32(byte[] b, int pos) {
    return (b[pos] & 0xffL) | (b[pos + 1] & 0xffL) << 8 | (b[pos + 2] & 0xffL) << 16 | (b[pos + 3] & 0xffL) << 24;
  }

  private static int headerLength(byte[] gz, int start) throws Rejected {
    int flags = gz[start + 3] & 0xff;
    int pos = start + 10;
    try {
      if ((flags & FEXTRA) != 0) {
        int xlen = (gz[pos] & 0xff) | (gz[pos + 1] & 0xff) << 8;
        pos += 2 + xlen;
      }
      if ((flags & FNAME) != 0) {
        while (gz[pos++] != 0) {}
      }
      if ((flags & FCOMMENT) != 0) {
        while (gz[pos++] != 0) {}
      }
      if ((flags & FHCRC) != 0) {
        pos += 2;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new Rejected(RejectReason.MALFORMED, "gzip header is truncated");
    }
    if (pos > gz.length) {
      throw new Rejected(RejectReason.MALFORMED, "gzip header is truncated");
    }
    return pos - start;
  }
}
