package io.memspan.collector.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A sink's durable read position: the next spool position it has not yet accepted. Saved by
 * atomic rename; a cursor lost in a crash only means redelivery (at least once), never loss.
 */
final class Cursor {
  private final Path file;

  Cursor(Path spoolDir, String sinkName) throws IOException {
    Path dir = spoolDir.resolve("cursors");
    Files.createDirectories(dir);
    this.file = dir.resolve(fileName(sinkName));
  }

  /** Sink names are URLs; keep them readable but safe as file names. */
  static String fileName(String sinkName) {
    return sinkName.replaceAll("[^A-Za-z0-9._-]", "_") + ".cursor";
  }

  /** The saved position, or -1 when this sink has never run. */
  long load() throws IOException {
    if (!Files.exists(file)) {
      return -1;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1; // a torn cursor file: start over from the oldest record (redelivery)
    }
  }

  void save(long position) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Long.toString(position), StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
