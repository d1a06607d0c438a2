package io.memspan.bpf;

import java.nio.file.Path;

/**
 * How to load the eBPF probe.
 *
 * @param pid the traced process, {@code 0} for this one
 * @param slots per-thread slots, a power of two (default 4096)
 * @param ringBytes ring-buffer size, a power of two of at least one page (default 4 MiB)
 * @param faultAddresses the first fault addresses kept per armed op, 0 (off, default) to
 *     {@link #MAX_FAULT_ADDRESSES}
 * @param idleThreads bound of the per-tid idle counters of threads without a slot (default 4096)
 * @param cacheDir the compile cache's directory (see {@link #withCache(String)}), or {@code null}
 *     for none: compile every time
 */
public record ProbeOptions(int pid, int slots, int ringBytes, int faultAddresses, int idleThreads,
    Path cacheDir) {

  /** Matches MEMSPAN_MAX_FAULT_ADDRS in memspan.bpf.c; SlotLayoutTest checks it. */
  public static final int MAX_FAULT_ADDRESSES = SlotLayout.MAX_FAULT_ADDRS;

  public ProbeOptions {
    if (pid < 0) {
      throw new IllegalArgumentException("pid must be 0 (this process) or a process id, got " + pid);
    }
    if (slots < 1 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
      throw new IllegalArgumentException(
          "ringBytes must be a power of two of at least 4096, got " + ringBytes);
    }
    if (faultAddresses < 0 || faultAddresses > MAX_FAULT_ADDRESSES) {
      throw new IllegalArgumentException(
          "faultAddresses must be 0.." + MAX_FAULT_ADDRESSES + ", got " + faultAddresses);
    }
    if (idleThreads < 1) {
      throw new IllegalArgumentException("idleThreads must be positive, got " + idleThreads);
    }
    if (cacheDir != null && !cacheDir.isAbsolute()) {
      throw new IllegalArgumentException("cacheDir must be an absolute path, got " + cacheDir);
    }
  }

  /** With the compile cache in its default directory ({@link #defaultCacheDir()}). */
  public ProbeOptions(int pid, int slots, int ringBytes, int faultAddresses, int idleThreads) {
    this(pid, slots, ringBytes, faultAddresses, idleThreads, CompileCache.defaultDir());
  }

  /**
   * Where the compile cache is by default: {@code /var/cache/memspan/bpf} when the effective uid
   * is 0, else {@code $XDG_CACHE_HOME/memspan/bpf}, else {@code ~/.cache/memspan/bpf}.
   */
  public static Path defaultCacheDir() {
    return CompileCache.defaultDir();
  }

  /**
   * This process, 4096 slots, 4 MiB ring, no fault addresses, 4096 idle threads, the compile cache
   * in its default directory.
   */
  public static ProbeOptions defaults() {
    return new ProbeOptions(0, 4096, 4 << 20, 0, 4096);
  }

  public ProbeOptions withPid(int pid) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, cacheDir);
  }

  public ProbeOptions withSlots(int slots) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, cacheDir);
  }

  public ProbeOptions withRingBytes(int ringBytes) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, cacheDir);
  }

  public ProbeOptions withFaultAddresses(int faultAddresses) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, cacheDir);
  }

  public ProbeOptions withIdleThreads(int idleThreads) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, cacheDir);
  }

  /** The compile cache in {@code dir} (absolute), or none when {@code dir} is null. */
  public ProbeOptions withCacheDir(Path dir) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads, dir);
  }

  /**
   * The compile cache as a setting says: {@code off} (compile every time), {@code default} or empty
   * (the default directory), or an absolute directory.
   *
   * @throws IllegalArgumentException naming the setting when it is none of these
   */
  public ProbeOptions withCache(String setting) {
    String s = setting == null ? "" : setting.strip();
    if (s.equals("off")) {
      return withCacheDir(null);
    }
    if (s.isEmpty() || s.equals("default")) {
      return withCacheDir(defaultCacheDir());
    }
    if (!s.startsWith("/")) {
      throw new IllegalArgumentException("the eBPF compile cache must be off, default or an"
          + " absolute directory, got '" + setting + "'");
    }
    return withCacheDir(Path.of(s));
  }

  /** The process id to trace: {@link #pid()} or, when 0, this process's. */
  public int targetPid() {
    return pid != 0 ? pid : (int) ProcessHandle.current().pid();
  }
}
