package io.memspan.collector.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CursorTest {
  @TempDir Path dir;

  @Test
  void saveForcesTheNewFileBeforeTheRenameAndTheDirectoryAfter() throws Exception {
    Cursor cursor = new Cursor(dir, "upstream:http://127.0.0.1:4318");
    List<Path> forced = new ArrayList<>();
    cursor.forced = forced::add;
    assertEquals(-1, cursor.load());
    cursor.save(42);
    Path cursors = dir.resolve("cursors");
    Path file = cursors.resolve(Cursor.fileName("upstream:http://127.0.0.1:4318"));
    assertEquals(List.of(file.resolveSibling(file.getFileName() + ".tmp"), cursors), forced);
    assertEquals(42, cursor.load());
    assertEquals("42", Files.readString(file));
    cursor.save(7); // a shorter number must not leave digits of the old one behind
    assertEquals(7, new Cursor(dir, "upstream:http://127.0.0.1:4318").load());
    try (var names = Files.list(cursors)) {
      assertEquals(List.of(file), names.toList(), "no temp file is left behind");
    }
  }
}
