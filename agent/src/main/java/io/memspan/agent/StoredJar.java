package io.memspan.agent;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A minimal jar (a zip of uncompressed entries, no manifest) for the bootstrap hooks, written
 * without {@code JarOutputStream}: that stamps each entry with the local time, which loads the
 * time-zone database, and costs premain tens of milliseconds. Entries are dated 1980-01-01.
 */
final class StoredJar {
  private static final int LOCAL_HEADER = 0x04034b50;
  private static final int CENTRAL_HEADER = 0x02014b50;
  private static final int END_OF_CENTRAL = 0x06054b50;
  private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;

  private StoredJar() {}

  static byte[] of(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    Map<String, int[]> offsets = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] data = e.getValue();
      CRC32 crc = new CRC32();
      crc.update(data);
      int offset = out.size();
      out.writeBytes(header(LOCAL_HEADER, name, data.length, (int) crc.getValue(), -1));
      out.writeBytes(data);
      central.writeBytes(header(CENTRAL_HEADER, name, data.length, (int) crc.getValue(), offset));
      offsets.put(e.getKey(), new int[] {offset});
    }
    int centralOffset = out.size();
    byte[] dir = central.toByteArray();
    out.writeBytes(dir);
    ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(END_OF_CENTRAL).putShort((short) 0).putShort((short) 0)
        .putShort((short) offsets.size()).putShort((short) offsets.size())
        .putInt(dir.length).putInt(centralOffset).putShort((short) 0);
    out.writeBytes(end.array());
    return out.toByteArray();
  }

  /** A local header ({@code offset < 0}) or a central directory header for a stored entry. */
  private static byte[] header(int signature, byte[] name, int size, int crc, int offset) {
    boolean central = offset >= 0;
    ByteBuffer b = ByteBuffer.allocate((central ? 46 : 30) + name.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(signature);
    if (central) {
      b.putShort((short) 20); // version made by
    }
    b.putShort((short) 20) // version needed
        .putShort((short) 0x0800) // flags: UTF-8 names
        .putShort((short) 0) // method: stored
        .putShort((short) 0) // time 00:00
        .putShort((short) DOS_DATE_1980_01_01)
        .putInt(crc).putInt(size).putInt(size)
        .putShort((short) name.length)
        .putShort((short) 0); // extra length
    if (central) {
      b.putShort((short) 0) // comment length
          .putShort((short) 0) // disk number
          .putShort((short) 0) // internal attributes
          .putInt(0) // external attributes
          .putInt(offset);
    }
    b.put(name);
    return b.array();
  }
}
