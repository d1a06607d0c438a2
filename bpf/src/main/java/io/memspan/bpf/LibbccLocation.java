package io.memspan.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where {@code libbcc.so.0} is, found the way the dynamic linker would, without loading it (which
 * maps LLVM): for the doctor's libbcc line and the compile cache's key.
 */
public final class LibbccLocation {
  private LibbccLocation() {}

  /** Directories the dynamic linker searches by default, plus what this JVM and JNA are told. */
  public static List<Path> searchPath() {
    Set<String> dirs = new LinkedHashSet<>();
    for (String prop : new String[] {"jna.library.path", "java.library.path"}) {
      addAll(dirs, System.getProperty(prop));
    }
    addAll(dirs, System.getenv("LD_LIBRARY_PATH"));
    String triple = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64" -> "aarch64-linux-gnu";
      default -> System.getProperty("os.arch") + "-linux-gnu";
    };
    for (String d : new String[] {"/usr/local/lib", "/usr/local/lib64", "/usr/lib/" + triple,
        "/lib/" + triple, "/usr/lib64", "/lib64", "/usr/lib", "/lib"}) {
      dirs.add(d);
    }
    List<Path> out = new ArrayList<>();
    for (String d : dirs) {
      out.add(Path.of(d));
    }
    return out;
  }

  private static void addAll(Set<String> dirs, String pathList) {
    if (pathList != null) {
      for (String d : pathList.split(":")) {
        if (!d.isBlank()) {
          dirs.add(d);
        }
      }
    }
  }

  /** The first {@code libbcc.so.0} on the search path, resolved to the file it links to. */
  public static Optional<Path> locate(List<Path> searchPath) {
    for (Path dir : searchPath) {
      Path lib = dir.resolve(LibBcc.SONAME);
      if (Files.exists(lib)) {
        try {
          return Optional.of(lib.toRealPath());
        } catch (IOException e) {
          return Optional.of(lib);
        }
      }
    }
    return Optional.empty();
  }

  public static Optional<Path> locate() {
    return locate(searchPath());
  }
}
