package io.memspan.bpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compile cache: libbcc's compile of memspan.bpf.c (0.6-0.8 s of CPU, plus mapping LLVM) done
 * once per host, kernel, libbcc and option set, and reused by every later probe.
 *
 * <p>A cached program is loaded into the kernel with this process's privileges (root, or CAP_BPF
 * and CAP_PERFMON), so whoever can write the cache can run code there. The cache is used only when
 * the directory and the file are owned by this euid and writable by nobody else, and every
 * directory above it is owned by root or this euid and not writable by others (unless sticky, as
 * /tmp). Otherwise the probe compiles, as without a cache, and says why. Entries are written to a
 * temporary file and renamed, and carry their key and a checksum ({@link CacheEntry}).
 *
 * <p>The key is a SHA-256 of the program text, the compile-time flags (which depend only on
 * {@link ProbeOptions}: the traced process is written into a map at load time), the kernel
 * release and {@code /proc/version}, the libbcc library file (path, size, mtime; found without
 * loading it), where the kernel headers are, and {@link CacheEntry#FORMAT}.
 */
final class CompileCache {
  static final String SUFFIX = ".entry";
  /** Entries kept; older ones (other option sets, kernels, libbcc versions) are deleted. */
  static final int KEEP = 8;

  private final Path dir;
  private final int euid;

  CompileCache(Path dir, int euid) {
    this.dir = dir;
    this.euid = euid;
  }

  Path dir() {
    return dir;
  }

  /**
   * Where the cache lives by default: {@code /var/cache/memspan/bpf} for root, else
   * {@code $XDG_CACHE_HOME/memspan/bpf}, else {@code ~/.cache/memspan/bpf}; null (no cache) when
   * there is no absolute home directory either.
   */
  static Path defaultDir(int euid, Map<String, String> env, String home) {
    if (euid == 0) {
      return Path.of("/var/cache/memspan/bpf");
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && xdg.startsWith("/")) {
      return Path.of(xdg, "memspan", "bpf");
    }
    if (home == null || !home.startsWith("/")) {
      return null; // no home (a uid without a passwd entry: user.home is "?"): no cache
    }
    return Path.of(home, ".cache", "memspan", "bpf");
  }

  static Path defaultDir() {
    return defaultDir(euid(), System.getenv(), System.getProperty("user.home"));
  }

  static int euid() {
    try {
      return ProcStatus.current().effectiveUid();
    } catch (IOException | IllegalArgumentException e) {
      return -1; // trusts nothing: no directory is owned by -1
    }
  }

  /** The cache key of a compile of {@code source} with {@code cflags} on this host. */
  static byte[] key(String source, List<String> cflags) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    List<String> parts = new ArrayList<>();
    parts.add("memspan compile cache format " + CacheEntry.FORMAT);
    parts.add(source);
    parts.add(String.join(" ", cflags));
    String release = BccPreflight.kernelRelease();
    parts.add(release);
    parts.add(readOrMissing(Path.of("/proc/version")));
    parts.add(System.getProperty("os.arch"));
    parts.add(LibbccLocation.locate().map(CompileCache::fileIdentity).orElse("no libbcc"));
    Path headers = KernelHeaderSource.find(KernelHeaderSource.MODULES,
        KernelHeaderSource.KHEADERS, release);
    parts.add(headers == null ? "no headers" : fileIdentity(headers));
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      d.update(ByteBuffer.allocate(4).putInt(b.length).flip());
      d.update(b);
    }
    return d.digest();
  }

  private static String fileIdentity(Path p) {
    try {
      Path real = p.toRealPath();
      return real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
    } catch (IOException e) {
      return p + " unreadable";
    }
  }

  private static String readOrMissing(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "unreadable";
    }
  }

  /**
   * A lookup's outcome: the program, or null and why not; {@code trusted} when the directory may
   * take the entry a compile writes.
   */
  record Lookup(CompiledProgram program, String reason, boolean trusted) {
    Lookup(CompiledProgram program, String reason) {
      this(program, reason, !reason.startsWith("not used: "));
    }
  }

  /** The entry for {@code key}, if there is a trusted, intact one. Never throws. */
  Lookup lookup(byte[] key) {
    try {
      String untrusted = ensureTrustedDir();
      if (untrusted != null) {
        return new Lookup(null, "not used: " + untrusted);
      }
      Path file = dir.resolve(HexFormat.of().formatHex(key) + SUFFIX);
      Optional<String> fileProblem;
      try {
        fileProblem = untrustedFile(file);
      } catch (NoSuchFileException e) {
        return new Lookup(null, "miss: no entry for key " + shortKey(key));
      }
      if (fileProblem.isPresent()) {
        return new Lookup(null, "not used: " + fileProblem.get());
      }
      byte[] bytes;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
          LinkOption.NOFOLLOW_LINKS)) {
        if (ch.size() > CacheEntry.MAX_BYTES) {
          return new Lookup(null, "miss: entry " + file + " too large (" + ch.size() + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // read it all
        }
        bytes = buf.array();
      }
      try {
        return new Lookup(CacheEntry.read(bytes, key), "hit");
      } catch (CacheEntry.Invalid e) {
        return new Lookup(null, "miss: entry " + file.getFileName() + " " + e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      return new Lookup(null, "not used: " + e);
    }
  }

  /**
   * Writes {@code program} as the entry for {@code key} (temporary file, fsync, rename) and
   * deletes the oldest entries beyond {@link #KEEP}. Returns what happened, for the report.
   */
  String store(byte[] key, CompiledProgram program) {
    Path tmp = null;
    try {
      String untrusted = ensureTrustedDir();
      if (untrusted != null) {
        return "not written: " + untrusted;
      }
      byte[] bytes = CacheEntry.write(key, program);
      tmp = Files.createTempFile(dir, ".entry", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Path file = dir.resolve(HexFormat.of().formatHex(key) + SUFFIX);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      prune();
      return "written";
    } catch (IOException | RuntimeException e) {
      return "not written: " + e;
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }
  }

  private void prune() throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      s.forEach(entries::add);
    }
    if (entries.size() <= KEEP) {
      return;
    }
    entries.sort((a, b) -> mtime(b).compareTo(mtime(a)));
    for (Path old : entries.subList(KEEP, entries.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static FileTime mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /**
   * Creates the directory (0700) if missing, then checks it and its ancestors. Returns why it is
   * not trusted, or null.
   */
  String ensureTrustedDir() throws IOException {
    if (!dir.isAbsolute()) {
      return "cache directory " + dir + " is not an absolute path";
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      createPrivate(dir);
    }
    Path real = dir.toRealPath();
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return dir + " is not a directory";
    }
    int uid = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if (uid != euid) {
      return dir + " is owned by uid " + uid + ", not by this process's euid " + euid;
    }
    if ((mode & 022) != 0) {
      return dir + " is writable by " + writers(mode) + " (mode "
          + Integer.toOctalString(mode & 07777) + "); chmod go-w it";
    }
    for (Path up = real.getParent(); up != null; up = up.getParent()) {
      int upUid = (Integer) Files.getAttribute(up, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int upMode = (Integer) Files.getAttribute(up, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (upUid != 0 && upUid != euid) {
        return up + " (above the cache) is owned by uid " + upUid + ", neither root nor euid "
            + euid;
      }
      if ((upMode & 022) != 0 && (upMode & 01000) == 0) {
        return up + " (above the cache) is writable by " + writers(upMode) + " and not sticky";
      }
    }
    return null;
  }

  /** Why {@code file} must not be loaded, if it must not; NoSuchFileException when absent. */
  private Optional<String> untrustedFile(Path file) throws IOException {
    int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & 0170000) != 0100000) {
      return Optional.of(file + " is not a regular file");
    }
    if (uid != euid) {
      return Optional.of(file + " is owned by uid " + uid + ", not by this process's euid " + euid);
    }
    if ((mode & 022) != 0) {
      return Optional.of(file + " is writable by " + writers(mode));
    }
    return Optional.empty();
  }

  private static void createPrivate(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      createPrivate(parent);
    }
    try {
      Files.createDirectory(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      // another process made it: checked like any other
    }
  }

  private static String writers(int mode) {
    return (mode & 020) != 0 && (mode & 002) != 0 ? "group and others"
        : (mode & 020) != 0 ? "its group" : "others";
  }

  static String shortKey(byte[] key) {
    return HexFormat.of().formatHex(key, 0, 6);
  }
}
