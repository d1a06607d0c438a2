package io.memspan.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of {@code /proc/self/status} that decide what this process may do with eBPF:
 * effective user id, effective capabilities (the {@code CapEff} bit set) and whether a seccomp
 * filter is installed. The one definition of the capability numbers memspan checks, of which of
 * them loading the probe needs ({@link #missingCapabilities}) and of how to grant them
 * ({@link #GRANT}): the probe's preflight and {@code memspan doctor} both apply these.
 */
public record ProcStatus(int effectiveUid, long capEff, int seccompMode) {

  // Capability numbers from linux/capability.h.
  public static final int CAP_CHOWN = 0;
  public static final int CAP_DAC_OVERRIDE = 1;
  public static final int CAP_DAC_READ_SEARCH = 2;
  public static final int CAP_SYS_ADMIN = 21;
  public static final int CAP_PERFMON = 38;
  public static final int CAP_BPF = 39;

  /** What fixes any missing capability: the same three, whichever is missing. */
  public static final String GRANT = "run as root, or grant cap_bpf,cap_perfmon,cap_dac_read_search"
      + " to the JVM (ambient: capsh --addamb=cap_bpf,cap_perfmon,cap_dac_read_search,"
      + " setpriv --ambient-caps=+bpf,+perfmon,+dac_read_search, systemd AmbientCapabilities=;"
      + " docker run --cap-add BPF --cap-add PERFMON --cap-add DAC_READ_SEARCH;"
      + " Kubernetes securityContext.capabilities.add: [BPF, PERFMON, DAC_READ_SEARCH])";

  /** This process's, from {@code /proc/self/status}. */
  public static ProcStatus current() throws IOException {
    return parse(Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII));
  }

  /**
   * Parses the text of a {@code /proc/<pid>/status} file.
   *
   * @throws IllegalArgumentException when {@code Uid:} or {@code CapEff:} is missing or malformed
   */
  public static ProcStatus parse(String status) {
    Integer euid = null;
    Long capEff = null;
    int seccomp = 0;
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "Uid" -> euid = Integer.parseInt(value.split("\\s+")[1]); // real, effective, saved, fs
        case "CapEff" -> capEff = Long.parseUnsignedLong(value, 16);
        case "Seccomp" -> seccomp = Integer.parseInt(value);
        default -> { }
      }
    }
    if (euid == null || capEff == null) {
      throw new IllegalArgumentException("no " + (euid == null ? "Uid:" : "CapEff:")
          + " line in this status text");
    }
    return new ProcStatus(euid, capEff, seccomp);
  }

  public boolean has(int capability) {
    return (capEff & (1L << capability)) != 0;
  }

  /** {@code bpf()} map and program operations: CAP_BPF, or CAP_SYS_ADMIN which implies it. */
  public boolean bpfCapable() {
    return has(CAP_BPF) || has(CAP_SYS_ADMIN);
  }

  /** Loading tracing programs and attaching tracepoints: CAP_PERFMON, or CAP_SYS_ADMIN. */
  public boolean perfmonCapable() {
    return has(CAP_PERFMON) || has(CAP_SYS_ADMIN);
  }

  /** Reading root-only tracefs files regardless of their owner and mode. */
  public boolean canReadAnyFile() {
    return has(CAP_DAC_READ_SEARCH) || has(CAP_DAC_OVERRIDE);
  }

  /**
   * The capabilities loading memspan's program needs that this process lacks, in the order
   * CAP_BPF (maps), CAP_PERFMON (tracing programs, attach), CAP_DAC_READ_SEARCH (when not uid 0,
   * to read the 0700 tracefs). CAP_SYS_ADMIN stands in for the first two.
   *
   * @param tracefsReadable whether this process could read a tracepoint format file: tracefs
   *     mounted with a group or mode that lets this user in needs no CAP_DAC_READ_SEARCH
   */
  public List<String> missingCapabilities(boolean tracefsReadable) {
    List<String> missing = new ArrayList<>();
    if (!bpfCapable()) {
      missing.add("CAP_BPF");
    }
    if (!perfmonCapable()) {
      missing.add("CAP_PERFMON");
    }
    // uid 0 owns tracefs; anyone else needs to bypass its 0700 directories.
    if (effectiveUid != 0 && !canReadAnyFile() && !tracefsReadable) {
      missing.add("CAP_DAC_READ_SEARCH");
    }
    return missing;
  }

  /** Names of the set bits, e.g. {@code [CAP_DAC_READ_SEARCH, CAP_PERFMON, CAP_BPF]} (only those memspan cares about). */
  public List<String> relevantCapabilities() {
    List<String> names = new ArrayList<>();
    if (has(CAP_DAC_OVERRIDE)) names.add("CAP_DAC_OVERRIDE");
    if (has(CAP_DAC_READ_SEARCH)) names.add("CAP_DAC_READ_SEARCH");
    if (has(CAP_SYS_ADMIN)) names.add("CAP_SYS_ADMIN");
    if (has(CAP_PERFMON)) names.add("CAP_PERFMON");
    if (has(CAP_BPF)) names.add("CAP_BPF");
    return names;
  }
}
