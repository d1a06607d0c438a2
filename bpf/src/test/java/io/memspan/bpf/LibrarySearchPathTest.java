package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JNA's search path, preset so JNA need not ask ldconfig; a value the user gave is kept. */
class LibrarySearchPathTest {

  @Test
  void listsTheStandardDirectoriesThatExistMultiarchFirst() {
    List<String> dirs = List.of(LibrarySearchPath.standardDirectories("amd64")
        .split(File.pathSeparator));
    assertTrue(dirs.contains("/usr/lib"), dirs.toString());
    dirs.forEach(d -> assertTrue(Files.isDirectory(Path.of(d)), d));
    if (Files.isDirectory(Path.of("/usr/lib/x86_64-linux-gnu"))) {
      assertEquals("/usr/lib/x86_64-linux-gnu", dirs.get(0), "Debian's multiarch directory first");
    }
    assertFalse(LibrarySearchPath.standardDirectories("sparc").contains("linux-gnu"));
  }

  @Test
  void jnaSeesTheStandardDirectoriesWhileItInitialisesAndTheApplicationSeesNothingAfter() {
    String before = System.getProperty(LibrarySearchPath.PROPERTY);
    try {
      System.clearProperty(LibrarySearchPath.PROPERTY);
      String[] seen = new String[1];
      LibrarySearchPath.presetWhile(() -> seen[0] = System.getProperty(LibrarySearchPath.PROPERTY));
      assertEquals(LibrarySearchPath.standardDirectories(System.getProperty("os.arch")), seen[0]);
      assertEquals(null, System.getProperty(LibrarySearchPath.PROPERTY),
          "left set, an application's own JNA would skip the ld.so.conf directories");

      System.setProperty(LibrarySearchPath.PROPERTY, "/opt/mine");
      LibrarySearchPath.presetWhile(() -> seen[0] = System.getProperty(LibrarySearchPath.PROPERTY));
      assertEquals("/opt/mine", seen[0]);
      assertEquals("/opt/mine", System.getProperty(LibrarySearchPath.PROPERTY), "the user's value");
    } finally {
      if (before == null) {
        System.clearProperty(LibrarySearchPath.PROPERTY);
      } else {
        System.setProperty(LibrarySearchPath.PROPERTY, before);
      }
    }
  }
}
