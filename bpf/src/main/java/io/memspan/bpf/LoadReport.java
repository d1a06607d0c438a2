package io.memspan.bpf;

import java.nio.file.Path;

/**
 * How a bcc probe's program got into the kernel: compiled by libbcc, or loaded from the compile
 * cache ({@link CompileCache}), and what the cache said.
 *
 * @param origin {@link Origin#COMPILED} or {@link Origin#CACHED}
 * @param cacheDir the cache directory, or null when the cache is off
 * @param cache what the cache did: {@code hit}, {@code off}, or why it was not used and whether
 *     the compiled program was written to it (e.g. {@code miss: no entry; written})
 * @param compileNanos wall time of libbcc's compile (0 on a cache hit)
 * @param loadNanos wall time of creating maps, loading and attaching
 */
public record LoadReport(Origin origin, Path cacheDir, String cache, long compileNanos,
    long loadNanos) {

  public enum Origin { COMPILED, CACHED }

  /** One line, e.g. {@code cached (compile cache /var/cache/memspan/bpf: hit)}. */
  @Override
  public String toString() {
    return (origin == Origin.CACHED ? "cached" : "compiled") + " (compile cache "
        + (cacheDir == null ? "off" : cacheDir + ": " + cache) + ")";
  }
}
