package io.memspan.bpf;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JNA's library search path, given while JNA initialises. Left unset, JNA 5.19 runs
 * {@code /sbin/ldconfig -p} in a child process when its {@code NativeLibrary} class initialises
 * (~10-50 ms of CPU in the application's JVM, with the process-reaper thread it starts) and then
 * sets this system property for the whole JVM itself. memspan loads every library by its soname
 * (libc.so.6, libbcc.so.0), which the dynamic loader finds without a search path, so the standard
 * directories are enough while memspan's JNA initialises; the property is then cleared again, so
 * an application's own JNA, initialised later, builds its full path as it would without memspan.
 */
public final class LibrarySearchPath {
  /** JNA's name for it. */
  static final String PROPERTY = "jna.platform.library.path";

  private static boolean initialised;

  private LibrarySearchPath() {}

  /** Initialises memspan's JNA without its ldconfig child; once, before any other use of JNA. */
  public static synchronized void initJna() {
    if (initialised) {
      return;
    }
    initialised = true;
    presetWhile(() -> {
      try {
        Class.forName("com.sun.jna.NativeLibrary", true, LibrarySearchPath.class.getClassLoader());
      } catch (Throwable e) {
        // JNA missing or broken: the first real use says so, with its own error
      }
    });
  }

  /**
   * Runs {@code init} with the property set to the standard directories, unless it was set
   * already (then it is left alone); clears what it set afterwards, unless changed meanwhile.
   */
  static void presetWhile(Runnable init) {
    String preset = System.getProperty(PROPERTY) != null ? null
        : standardDirectories(System.getProperty("os.arch", ""));
    if (preset != null && !preset.isEmpty()) {
      System.setProperty(PROPERTY, preset);
    }
    try {
      init.run();
    } finally {
      if (preset != null && !preset.isEmpty() && preset.equals(System.getProperty(PROPERTY))) {
        System.clearProperty(PROPERTY);
      }
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
