package io.memspan.bpf;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where libbcc finds the running kernel's headers: the one rule that the probe's preflight and
 * {@code memspan doctor} both apply. libbcc 0.26 compiles against
 * {@code /lib/modules/<release>/build} and, when that has no headers, extracts the in-kernel
 * archive {@code /sys/kernel/kheaders.tar.xz} (CONFIG_IKHEADERS) instead.
 */
public final class KernelHeaderSource {
  public static final Path MODULES = Path.of("/lib/modules");
  public static final Path KHEADERS = Path.of("/sys/kernel/kheaders.tar.xz");

  private KernelHeaderSource() {}

  /** The build directory of {@code release} that holds {@code include/}. */
  public static Path buildDir(Path modulesRoot, String release) {
    return modulesRoot.resolve(release).resolve("build");
  }

  /** The headers libbcc will use: the build directory, else the kheaders archive, else null. */
  public static Path find(Path modulesRoot, Path kheadersArchive, String release) {
    Path build = buildDir(modulesRoot, release);
    if (Files.isDirectory(build.resolve("include"))) {
      return build;
    }
    if (Files.exists(kheadersArchive)) {
      return kheadersArchive;
    }
    return null;
  }
}
