package io.memspan.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Line numbers of the {@code // memspan-it: <name>} markers in the test application's source. */
final class Markers {
  private static final Path SOURCE =
      Path.of("src", "test", "java", "io", "memspan", "itapp", "Workload.java");

  private Markers() {}

  static int line(String name) {
    try {
      List<String> lines = Files.readAllLines(SOURCE);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).endsWith("// memspan-it: " + name)) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no marker " + name + " in " + SOURCE);
  }
}
