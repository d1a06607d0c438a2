package io.memspan.collector.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

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

  /**
   * Writes and fsyncs a temp file, renames it over the cursor, then fsyncs the directory so the
   * rename itself survives power loss. Without the first fsync the renamed file can come back
   * empty (read as -1: the whole spool is resent); without the second, the old cursor can.
   */
  void save(long position) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer text = ByteBuffer.wrap(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
      while (text.hasRemaining()) {
        ch.write(text);
      }
      ch.force(true);
      forced.accept(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
      forced.accept(file.getParent());
    }
  }

  /** Told of each path after it was fsynced; lets a test see that a save really forces. */
  Consumer<Path> forced = p -> {};
}
