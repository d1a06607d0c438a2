package io.memspan.bpf.doctor;

import io.memspan.bpf.LibBcc;
import io.memspan.bpf.LibbccLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code libbcc.so.0} is and which version it is: from the versioned file it links to
 * ({@code libbcc.so.0.26.0}) and, on Debian and Ubuntu, the {@code libbpfcc} package's version in
 * dpkg's status file. Reads files only: no subprocess, so the agent can run it too.
 */
final class LibbccInstallation {

  static final String CHECK = "libbcc";
  static final String LIBRARY = LibBcc.SONAME;
  static final String INSTALL = "install libbcc: apt-get install libbpfcc (Debian/Ubuntu;"
      + " deploy/setup-host.sh does it), dnf install bcc (Fedora/RHEL)";

  private static final Pattern VERSIONED = Pattern.compile("libbcc\\.so\\.(\\d+(?:\\.\\d+)*)$");
  private static final Path DPKG_STATUS = Path.of("/var/lib/dpkg/status");

  private LibbccInstallation() {}

  static List<Path> searchPath() {
    return LibbccLocation.searchPath();
  }

  static Optional<Path> locate(List<Path> searchPath) {
    return LibbccLocation.locate(searchPath);
  }

  /** {@code 0.26.0} from {@code libbcc.so.0.26.0}. */
  static Optional<String> versionFromFileName(String fileName) {
    Matcher m = VERSIONED.matcher(fileName);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The {@code Version:} of an installed package in a dpkg status text. */
  static Optional<String> dpkgVersion(String status, String pkg) {
    for (String stanza : status.split("\n\n")) {
      boolean named = false;
      boolean installed = false;
      String version = null;
      for (String line : stanza.split("\n")) {
        if (line.equals("Package: " + pkg)) {
          named = true;
        } else if (line.startsWith("Status: ") && line.endsWith(" installed")) {
          installed = true;
        } else if (line.startsWith("Version: ")) {
          version = line.substring("Version: ".length());
        }
      }
      if (named && installed && version != null) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }

  static Finding check() {
    Optional<Path> lib = locate(searchPath());
    if (lib.isEmpty()) {
      return Finding.fail(CHECK, LIBRARY + " not found", INSTALL);
    }
    Path file = lib.get();
    String version = versionFromFileName(file.getFileName().toString()).orElse("version unknown");
    String pkg = "";
    try {
      if (Files.isReadable(DPKG_STATUS)) {
        pkg = dpkgVersion(Files.readString(DPKG_STATUS, StandardCharsets.UTF_8), "libbpfcc")
            .map(v -> ", package libbpfcc " + v).orElse("");
      }
    } catch (IOException e) {
      // the package version only decorates the line
    }
    return Finding.ok(CHECK, version + " (" + file + pkg + ")");
  }
}
