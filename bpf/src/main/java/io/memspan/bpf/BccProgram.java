package io.memspan.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * memspan.bpf.c compiled by libbcc, loaded and attached: what remains after the BCC module is
 * destroyed is a handful of fds (maps, and one perf event per tracepoint, which holds the
 * attachment). Closing releases them all.
 */
public final class BccProgram implements AutoCloseable {
  static final String SOURCE_RESOURCE = "memspan.bpf.c";

  private static final AtomicLong CACHED_LOAD_FAILURES = new AtomicLong();

  final int slotsFd;
  final int statsFd;
  final int ringFd;
  final int idleFd;
  private final int[] perfFds;
  /** Wall time of compiling (0 when loaded from the cache), and of loading + attaching, in ns. */
  public final long compileNanos;
  public final long loadNanos;
  /** Compiled or cached, and what the compile cache said. */
  public final LoadReport report;
  private boolean closed;

  BccProgram(int slotsFd, int statsFd, int ringFd, int idleFd, int[] perfFds,
      LoadReport report) {
    this.slotsFd = slotsFd;
    this.statsFd = statsFd;
    this.ringFd = ringFd;
    this.idleFd = idleFd;
    this.perfFds = perfFds;
    this.report = report;
    this.compileNanos = report.compileNanos();
    this.loadNanos = report.loadNanos();
  }

  /**
   * Loads the program from the compile cache when it holds a trusted, intact entry for these
   * options on this host (no libbcc, no LLVM: tens of ms); otherwise checks the host, compiles,
   * loads and attaches as without a cache (hundreds of ms), and writes the entry. The module is
   * destroyed and native memory trimmed before returning, whatever happens.
   */
  public static BccProgram load(ProbeOptions options) throws ProbeUnavailableException {
    return load(options, true);
  }

  /** Cached programs that the kernel refused although their entry was intact, in this process. */
  public static long cachedLoadFailures() {
    return CACHED_LOAD_FAILURES.get();
  }

  /**
   * As {@link #load(ProbeOptions)}; {@code trim = false} leaves LLVM's freed heap in the process, only
   * so that a benchmark can measure what {@code malloc_trim(0)} gives back.
   */
  public static BccProgram load(ProbeOptions options, boolean trim)
      throws ProbeUnavailableException {
    String source = source();
    List<String> cflags = cflags(options);
    if (options.cacheDir() == null) {
      return compile(options, source, cflags, null, null, null, trim);
    }
    CompileCache cache = new CompileCache(options.cacheDir(), CompileCache.euid());
    byte[] key;
    try {
      key = CompileCache.key(source, cflags);
    } catch (RuntimeException e) {
      return compile(options, source, cflags, null, null,
          "not used: " + e, trim);
    }
    CompileCache.Lookup hit = cache.lookup(key);
    if (hit.program() == null) {
      return compile(options, source, cflags, hit.trusted() ? cache : null, key,
          hit.reason(), trim);
    }
    // The same checks as before a compile, minus libbcc and kernel headers, which a cached
    // program does not need.
    BccPreflight.capabilities();
    Path tracefs = BccPreflight.tracefs();
    BccPreflight.bpfSyscall();
    try {
      return CachedProgram.load(hit.program(), ProbeTarget.of(options), tracefs, cache.dir());
    } catch (ProbeUnavailableException | RuntimeException e) {
      // An intact entry the kernel refuses (a kernel update with the same release string, an
      // LSM): compile as without a cache, and say so once per process.
      String why = e instanceof ProbeUnavailableException ? e.getMessage() : e.toString();
      if (CACHED_LOAD_FAILURES.getAndIncrement() == 0) {
        System.err.println("memspan: the cached eBPF program did not load, compiling instead: "
            + why.replace('\n', ' '));
      }
      return compile(options, source, cflags, cache, key,
          "cached entry did not load (" + why + ")", trim);
    }
  }

  /**
   * Today's path: libbcc compiles, loads and attaches; the result is written to {@code cache}
   * unless it is null. {@code cacheNote} is what the cache said, null when it is off.
   */
  private static BccProgram compile(ProbeOptions options, String source, List<String> cflagList,
      CompileCache cache, byte[] key, String cacheNote, boolean trim)
      throws ProbeUnavailableException {
    LibBcc bcc = BccPreflight.libbcc();
    BccPreflight.capabilities(); // first: without them tracefs is unreadable, not missing
    BccPreflight.tracefs();
    BccPreflight.kernelHeaders();
    BccPreflight.bpfSyscall();
    ProbeTarget target = ProbeTarget.of(options);

    String[] cflags = cflagList.toArray(String[]::new);
    long t0 = System.nanoTime();
    // The application's stderr is left alone while compiling: redirecting fd 2 is process-wide,
    // so the application's own messages (and the agent's exit lines, in a JVM that exits
    // mid-compile) would be held back or lost. Only a compile that already failed is repeated
    // with fd 2 captured, to name the error.
    Pointer module = bcc.bpf_module_create_c_from_string(source, 0, cflags, cflags.length, true,
        null);
    String compilerOutput = "";
    int errno = 0;
    if (module == null) {
      try (StderrCapture capture = StderrCapture.start()) {
        module = bcc.bpf_module_create_c_from_string(source, 0, cflags, cflags.length, true,
            null);
        // Now, before the capture's own dup2/close/read overwrite it.
        errno = Native.getLastError();
        compilerOutput = capture.finish();
      }
    }
    long compileNanos = System.nanoTime() - t0;
    if (module == null) {
      LibC.malloc_trim(0);
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.COMPILE,
          compileFailure(compilerOutput, errno, cflags));
    }
    List<Integer> fds = new ArrayList<>();
    try {
      long t1 = System.nanoTime();
      // Read out before libbcc loads anything: the instructions as compiled, maps as created.
      CompiledProgram compiled = null;
      if (cache != null) {
        try {
          compiled = CompiledProgram.extract(bcc, module);
        } catch (RuntimeException e) {
          cacheNote += "; not cacheable: " + e.getMessage();
        }
      }
      int slots = dupTable(bcc, module, "slots", fds);
      int stats = dupTable(bcc, module, "stats", fds);
      int ring = dupTable(bcc, module, "events", fds);
      int idle = dupTable(bcc, module, "idle_threads", fds);
      target.writeTo(bcc.bpf_table_fd(module, "config"));
      int[] perf = new int[Tracepoint.ALL.size()];
      String license = bcc.bpf_module_license(module);
      int kernVersion = bcc.bpf_module_kern_version(module);
      for (int i = 0; i < perf.length; i++) {
        perf[i] = attach(bcc, module, Tracepoint.ALL.get(i), license, kernVersion, fds);
      }
      long loadNanos = System.nanoTime() - t1;
      // Written only once the kernel has accepted and attached every program.
      if (compiled != null) {
        cacheNote += "; " + cache.store(key, compiled);
      }
      LoadReport report = cacheNote == null
          ? new LoadReport(LoadReport.Origin.COMPILED, null, "off", compileNanos, loadNanos)
          : new LoadReport(LoadReport.Origin.COMPILED, options.cacheDir(), cacheNote,
              compileNanos, loadNanos);
      BccProgram program = new BccProgram(slots, stats, ring, idle, perf,
          report);
      fds.clear();
      return program;
    } finally {
      for (int fd : fds) {
        LibC.close(fd);
      }
      bcc.bpf_module_destroy(module);
      // LLVM leaves ~100 MB of freed heap behind; give it back (DESIGN: +128 MB -> +23 MB).
      if (trim) {
        LibC.malloc_trim(0);
      }
    }
  }

  /**
   * Why libbcc returned no module. It prints clang's diagnostics and returns NULL with errno often
   * 0, which must never reach a user as a bare "errno 0"/"Success".
   */
  static String compileFailure(String compilerOutput, int errno, String[] cflags) {
    String what = "libbcc could not compile memspan.bpf.c (flags " + String.join(" ", cflags) + "): ";
    if (!compilerOutput.isBlank()) {
      return what + compilerOutput.strip();
    }
    if (errno != 0) {
      return what + "no compiler output; " + LibC.strerror(errno) + " (errno " + errno + ")";
    }
    return what + "it printed nothing and set no error code. Already checked: libbcc loads, "
        + "capabilities, tracefs, kernel headers for " + BccPreflight.kernelRelease()
        + " present, the bpf syscall works. Likely causes: kernel headers that do not match the "
        + "running kernel (reinstall them for `uname -r`, or run deploy/setup-host.sh), a libbcc "
        + "built against a clang/LLVM that cannot parse these headers, or the process running out "
        + "of memory while compiling.";
  }

  /**
   * The compile-time flags: they depend only on {@code options}' sizes, never on the traced
   * process (that goes into the {@code config} map), so that a compile can be cached.
   */
  static List<String> cflags(ProbeOptions options) {
    List<String> flags = new ArrayList<>();
    flags.add("-DMEMSPAN_SLOT_BITS=" + Integer.numberOfTrailingZeros(options.slots()));
    flags.add("-DMEMSPAN_RING_PAGES=" + Math.max(1, options.ringBytes() / LibC.getpagesize()));
    flags.add("-DMEMSPAN_FAULT_ADDRS=" + options.faultAddresses());
    flags.add("-DMEMSPAN_IDLE_THREADS=" + options.idleThreads());
    return flags;
  }

  static String source() {
    try (InputStream in = BccProgram.class.getResourceAsStream(SOURCE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE_RESOURCE + " missing from the memspan-bpf jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SOURCE_RESOURCE, e);
    }
  }

  /** BCC closes its table fds when the module is destroyed; a dup keeps the map alive for us. */
  private static int dupTable(LibBcc bcc, Pointer module, String table, List<Integer> fds)
      throws ProbeUnavailableException {
    int fd = bcc.bpf_table_fd(module, table);
    int dup = fd < 0 ? -1 : LibC.dup(fd);
    if (dup < 0) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.MAP,
          "BPF map '" + table + "' of memspan.bpf.c was not created (fd " + fd + ")");
    }
    fds.add(dup);
    return dup;
  }

  private static int attach(LibBcc bcc, Pointer module, Tracepoint tp, String license,
      int kernVersion, List<Integer> fds) throws ProbeUnavailableException {
    String fn = tp.functionName();
    Pointer insns = bcc.bpf_function_start(module, fn);
    long size = bcc.bpf_function_size(module, fn);
    if (insns == null || size == 0) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.COMPILE,
          "memspan.bpf.c has no function " + fn + " for tracepoint " + tp);
    }
    byte[] log = new byte[64 * 1024];
    int progFd = bcc.bcc_func_load(module, tp.programType(), fn, insns, (int) size,
        license, kernVersion, 0, log, log.length, null, -1);
    if (progFd < 0) {
      int errno = Native.getLastError();
      String verifier = Native.toString(log).strip();
      throw new ProbeUnavailableException(
          errno == 1 ? ProbeUnavailableException.Missing.CAPABILITY
              : ProbeUnavailableException.Missing.LOAD,
          "the kernel refused to load " + fn + ": " + LibC.strerror(errno) + " (errno " + errno
              + ")" + (errno == 1 ? ": needs CAP_BPF and CAP_PERFMON (or root)" : "")
              + (verifier.isEmpty() ? "" : "; verifier: " + tail(verifier, 2000)));
    }
    try {
      int perfFd = tp.raw() ? bcc.bpf_attach_raw_tracepoint(progFd, tp.event())
          : bcc.bpf_attach_tracepoint(progFd, tp.category(), tp.event());
      if (perfFd < 0) {
        int errno = Native.getLastError();
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.ATTACH,
            "cannot attach to tracepoint " + tp + ": " + LibC.strerror(errno) + " (errno " + errno
                + ")" + (errno == 1 || errno == 13
                ? ": needs CAP_PERFMON (or root) and a readable tracefs" : ""));
      }
      fds.add(perfFd);
      return perfFd;
    } finally {
      // The perf event holds its own reference to the program.
      LibC.close(progFd);
    }
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }

  /** Detaches every tracepoint: closing a perf event (or raw tracepoint link) fd detaches it. */
  /**
   * Detaches every tracepoint, all at once: each detach waits out an RCU grace period in the
   * kernel (~100 ms here), so one after the other (or the kernel's own close at process exit)
   * holds up a JVM's exit by 0.7-0.8 s, while in parallel the grace periods overlap.
   */
  synchronized void closeAttachments() {
    List<Thread> closers = new ArrayList<>();
    for (int i = 0; i < perfFds.length; i++) {
      int fd = perfFds[i];
      if (fd < 0) {
        continue;
      }
      perfFds[i] = -1;
      Thread t = new Thread(new FdCloser(fd), "memspan-detach");
      t.setDaemon(true);
      try {
        t.start();
        closers.add(t);
      } catch (Throwable e) {
        LibC.close(fd); // no thread to spare: close it here
      }
    }
    for (Thread t : closers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static final class FdCloser implements Runnable {
    private final int fd;

    FdCloser(int fd) {
      this.fd = fd;
    }

    @Override
    public void run() {
      LibC.close(fd);
    }
  }

  /** Detaches every tracepoint and closes every map fd (mappings are the mappers' to undo). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAttachments();
    LibC.close(slotsFd);
    LibC.close(statsFd);
    LibC.close(ringFd);
    LibC.close(idleFd);
  }
}
