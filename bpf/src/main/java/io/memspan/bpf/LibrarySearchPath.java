package io.memspan.bpf;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JNA's library search path, given before JNA's first use. Left unset, JNA 5.19 runs
 * {@code /sbin/ldconfig -p} in a child process when it first loads a library (~10-50 ms of CPU in
 * the application's JVM, with the process-reaper thread it starts) and then sets this same
 * system property for the whole JVM itself. memspan loads every library by its soname (libc.so.6,
 * libbcc.so.0), which the dynamic loader finds without any search path, so the standard
 * directories JNA would list are enough; an application's own JNA that loads a library by short
 * name still falls back to the dynamic loader's cache.
 */
public final class LibrarySearchPath {
  /** JNA's name for it. */
  static final String PROPERTY = "jna.platform.library.path";

  private LibrarySearchPath() {}

  /** Sets the property to the standard library directories that exist, unless already set. */
  public static synchronized void presetIfUnset() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    String value = standardDirectories(System.getProperty("os.arch", ""));
    if (!value.isEmpty()) {
      System.setProperty(PROPERTY, value);
    }
  }

  /** The multiarch, 64-bit and plain library directories, as JNA lists them, that exist here. */
  static String standardDirectories(String osArch) {
    String tuple = switch (osArch) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64", "arm64" -> "aarch64-linux-gnu";
      default -> null;
    };
    List<String> candidates = new ArrayList<>();
    if (tuple != null) {
      candidates.add("/usr/lib/" + tuple);
      candidates.add("/lib/" + tuple);
    }
    candidates.addAll(List.of("/usr/lib64", "/lib64", "/usr/lib", "/lib"));
    List<String> present = new ArrayList<>();
    for (String dir : candidates) {
      if (Files.isDirectory(Path.of(dir))) {
        present.add(dir);
      }
    }
    return String.join(File.pathSeparator, present);
  }
}
