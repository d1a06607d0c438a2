package io.memspan.bpf;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process a loaded program traces: {@code struct memspan_config}, the one entry of the program's
 * {@code config} map. It is written after loading and before attaching, so that the compiled
 * instructions depend on nothing per-process and can be cached ({@link CompileCache}).
 *
 * @param tgid the traced process as this process's pid namespace sees it
 * @param pidnsDev device of this process's pid namespace, when {@code pidnsIno != 0}
 * @param pidnsIno inode of this process's pid namespace; 0 in the initial namespace (eBPF sees
 *     pids of the initial namespace, elsewhere the program translates through ours)
 */
record ProbeTarget(int tgid, long pidnsDev, long pidnsIno) {
  static final long PROC_PID_INIT_INO = 0xEFFFFFFCL;

  // struct memspan_config; SlotLayoutTest checks these against the C compiler's offsetof.
  static final int TGID = 0;
  static final int PIDNS = 4;
  static final int PIDNS_DEV = 8;
  static final int PIDNS_INO = 16;
  static final int SIZE = 24;

  static ProbeTarget of(ProbeOptions options) throws ProbeUnavailableException {
    Path ns = Path.of("/proc/self/ns/pid");
    try {
      long ino = ((Number) Files.getAttribute(ns, "unix:ino")).longValue();
      long dev = ((Number) Files.getAttribute(ns, "unix:dev")).longValue();
      return ino == PROC_PID_INIT_INO ? new ProbeTarget(options.targetPid(), 0, 0)
          : new ProbeTarget(options.targetPid(), dev, ino);
    } catch (IOException | UnsupportedOperationException e) {
      throw new ProbeUnavailableException(ProbeUnavailableException.Missing.COMPILE,
          "cannot stat " + ns + " to resolve the pid namespace: " + e.getMessage(), e);
    }
  }

  /** Writes this target into entry 0 of a {@code config} map. */
  void writeTo(int configFd) throws ProbeUnavailableException {
    try (Memory key = new Memory(4); Memory value = new Memory(SIZE)) {
      key.setInt(0, 0);
      value.clear();
      value.setInt(TGID, tgid);
      value.setInt(PIDNS, pidnsIno != 0 ? 1 : 0);
      value.setLong(PIDNS_DEV, pidnsDev);
      value.setLong(PIDNS_INO, pidnsIno);
      int r = BpfMaps.update(configFd, key, value);
      if (r < 0) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.MAP,
            "cannot write the traced tgid into the program's config map: " + LibC.strerror(-r)
                + " (errno " + -r + ")");
      }
    }
  }
}
