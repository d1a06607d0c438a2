package io.memspan.bench.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The parts of the job that live outside the heap: a direct I/O buffer and a mapped file. */
final class OffHeapStages {

  static final int PAGE = 4096;

  /** Fills a direct buffer with the report repeated, as a batch exporter would; returns a checksum. */
  static long fillDirect(int bytes, String report) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes);
    byte[] chunk = report.getBytes(StandardCharsets.UTF_8);
    while (buffer.remaining() >= chunk.length) {
      buffer.put(chunk);
    }
    while (buffer.hasRemaining()) {
      buffer.put((byte) ' ');
    }
    long sum = 0;
    for (int i = 0; i < bytes; i += PAGE) {
      sum += buffer.get(i);
    }
    return sum;
  }

  /** Maps a scratch file and writes one byte per page, as a memory-mapped index writer does. */
  static long touchMapped(Path file, int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
      long pages = 0;
      for (int i = 0; i < bytes; i += PAGE) {
        map.put(i, (byte) (i >>> 12));
        pages++;
      }
      return pages;
    }
  }
}
