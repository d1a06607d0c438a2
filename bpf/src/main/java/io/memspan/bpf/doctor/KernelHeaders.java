package io.memspan.bpf.doctor;

import io.memspan.bpf.KernelHeaderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel headers libbcc compiles against, by {@link KernelHeaderSource}'s rule (the same one
 * the probe's preflight applies).
 */
final class KernelHeaders {

  static final String CHECK = "kernel headers";

  private KernelHeaders() {}

  static Finding check(Path modulesRoot, Path kheadersArchive, KernelRelease running) {
    Path build = KernelHeaderSource.buildDir(modulesRoot, running.text());
    Path found = KernelHeaderSource.find(modulesRoot, kheadersArchive, running.text());
    if (build.equals(found)) {
      String where = build.toString();
      try {
        if (Files.isSymbolicLink(build)) {
          where += " -> " + build.toRealPath();
        }
      } catch (IOException e) {
        // keep the unresolved name
      }
      String headers = headersRelease(build);
      if (headers == null || headers.equals(running.text())) {
        return Finding.ok(CHECK, where);
      }
      // Generic headers of another release compile memspan's program: its tracepoint formats come
      // from tracefs, not from the headers.
      return Finding.ok(CHECK, where + " (headers of " + headers + ", running " + running.text()
          + ": enough for memspan's tracepoints)");
    }
    if (found != null) {
      return Finding.ok(CHECK, "none in " + build + "; bcc uses " + kheadersArchive);
    }
    return Finding.fail(CHECK, "no kernel headers at " + build,
        "install them as root: deploy/setup-host.sh (apt-get install linux-headers-"
            + running.text() + ", or linux-headers-amd64 linked to " + build
            + "), or load the kheaders module: modprobe kheaders");
  }

  private static String headersRelease(Path build) {
    try {
      return Files.readString(build.resolve("include/config/kernel.release")).trim();
    } catch (IOException e) {
      return null;
    }
  }
}
