package io.memspan.collector.receive;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates gzip bodies with a hard limit on the inflated size, so a small "gzip bomb" cannot make
 * the collector allocate more than the body limit.
 */
final class Gzip {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private Gzip() {}

  static byte[] inflate(byte[] gz, int maxBytes) throws Rejected {
    int pos = headerLength(gz);
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(gz, pos, gz.length - pos);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(1024, gz.length * 4)));
      byte[] buf = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0) {
          if (inflater.needsInput() || inflater.needsDictionary()) {
            throw new Rejected(RejectReason.MALFORMED, "gzip body is truncated");
          }
          continue;
        }
        if (out.size() + n > maxBytes) {
          throw new Rejected(RejectReason.TOO_LARGE,
              "gzip body inflates to more than the limit of " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
      // The 8-byte trailer (CRC32, ISIZE) follows; a concatenated member is not used by exporters.
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new Rejected(RejectReason.MALFORMED, "gzip body is corrupt: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static int headerLength(byte[] gz) throws Rejected {
    if (gz.length < 10 || (gz[0] & 0xff) != 0x1f || (gz[1] & 0xff) != 0x8b || gz[2] != 8) {
      throw new Rejected(RejectReason.MALFORMED, "body is not gzip (Content-Encoding: gzip was declared)");
    }
    int flags = gz[3] & 0xff;
    int pos = 10;
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
    return pos;
  }
}
