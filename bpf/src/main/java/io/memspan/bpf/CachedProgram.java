package io.memspan.bpf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a {@link CompiledProgram} from the compile cache with memspan's own bpf(2) and
 * perf_event_open(2) calls: creates its maps, writes the traced process into {@code config}, links
 * each function's map references to the new fds, loads it and attaches it. No libbcc, no LLVM.
 */
final class CachedProgram {
  /** The maps BccProgram hands on, plus {@code config}, which must be written before attaching. */
  static final List<String> REQUIRED_MAPS =
      List.of("slots", "stats", "events", "idle_threads", "config");

  private CachedProgram() {}

  static BccProgram load(CompiledProgram program, ProbeTarget target, Path tracefs,
      Path cacheDir) throws ProbeUnavailableException {
    long t0 = System.nanoTime();
    List<Integer> fds = new ArrayList<>();
    boolean done = false;
    try {
      int[] mapFds = new int[program.maps().size()];
      for (int i = 0; i < mapFds.length; i++) {
        CompiledProgram.MapSpec m = program.maps().get(i);
        int fd = BpfMaps.create(m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(),
            m.name());
        if (fd < 0) {
          throw new ProbeUnavailableException(-fd == 1 ? ProbeUnavailableException.Missing.CAPABILITY
              : ProbeUnavailableException.Missing.MAP, "cannot create map " + m.name() + " ("
              + m + "): " + LibC.strerror(-fd) + " (errno " + -fd + ")");
        }
        mapFds[i] = fd;
        fds.add(fd);
      }
      target.writeTo(mapFds[program.mapIndex("config")]);
      int[] perf = new int[Tracepoint.ALL.size()];
      for (int i = 0; i < perf.length; i++) {
        perf[i] = attach(program, program.functions().get(i), Tracepoint.ALL.get(i), mapFds,
            tracefs);
        fds.add(perf[i]);
      }
      BccProgram loaded = new BccProgram(mapFds[program.mapIndex("slots")],
          mapFds[program.mapIndex("stats")], mapFds[program.mapIndex("events")],
          mapFds[program.mapIndex("idle_threads")], perf,
          new LoadReport(LoadReport.Origin.CACHED, cacheDir, "hit", 0, System.nanoTime() - t0));
      // The programs hold their maps; the fds memspan does not read are not needed any more.
      for (int i = 0; i < mapFds.length; i++) {
        String name = program.maps().get(i).name();
        if (name.equals("config") || !REQUIRED_MAPS.contains(name)) {
          LibC.close(mapFds[i]);
        }
      }
      done = true;
      return loaded;
    } finally {
      if (!done) {
        for (int fd : fds) {
          LibC.close(fd);
        }
      }
    }
  }

  private static int attach(CompiledProgram program, CompiledProgram.FunctionCode code,
      Tracepoint tp, int[] mapFds, Path tracefs) throws ProbeUnavailableException {
    byte[] insns = code.linkedTo(mapFds);
    String name = tp.event(); // what bpftool prog shows
    int progFd = BpfPrograms.load(code.progType(), insns, program.license(),
        program.kernVersion(), name, new byte[0]);
    if (progFd < 0) {
      // Again with the verifier's log, only to say why.
      byte[] log = new byte[64 * 1024];
      progFd = BpfPrograms.load(code.progType(), insns, program.license(), program.kernVersion(),
          name, log);
      if (progFd < 0) {
        int errno = -progFd;
        String verifier = new String(log, java.nio.charset.StandardCharsets.US_ASCII)
            .replace("\0", "").strip();
        throw new ProbeUnavailableException(errno == 1 ? ProbeUnavailableException.Missing.CAPABILITY
            : ProbeUnavailableException.Missing.LOAD, "the kernel refused to load cached "
            + code.name() + ": " + LibC.strerror(errno) + " (errno " + errno + ")"
            + (verifier.isEmpty() ? "" : "; verifier: "
            + (verifier.length() > 2000 ? "..." + verifier.substring(verifier.length() - 2000)
            : verifier)));
      }
    }
    try {
      int fd;
      try {
        fd = tp.raw() ? BpfPrograms.openRawTracepoint(tp.event(), progFd)
            : BpfPrograms.attachTracepoint(tracefs, tp.category(), tp.event(), progFd);
      } catch (IOException | NumberFormatException e) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.ATTACH,
            "cannot read the id of tracepoint " + tp + " under " + tracefs + ": " + e, e);
      }
      if (fd < 0) {
        throw new ProbeUnavailableException(ProbeUnavailableException.Missing.ATTACH,
            "cannot attach to tracepoint " + tp + ": " + LibC.strerror(-fd) + " (errno " + -fd
                + ")");
      }
      return fd;
    } finally {
      LibC.close(progFd); // the perf event or link holds its own reference
    }
  }
}
