package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this process holds what loading memspan's program needs: CAP_BPF (maps), CAP_PERFMON
 * (tracing programs, tracepoint attach) and, when not running as uid 0, CAP_DAC_READ_SEARCH to read
 * the root-only tracefs format files. CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON.
 */
final class CapabilityCheck {

  static final String CHECK = "capabilities";

  /** What fixes any missing capability: the same three, whichever is missing. */
  static final String GRANT = "run as root, or grant cap_bpf,cap_perfmon,cap_dac_read_search to the"
      + " JVM (ambient: capsh --addamb=cap_bpf,cap_perfmon,cap_dac_read_search,"
      + " setpriv --ambient-caps=+bpf,+perfmon,+dac_read_search, systemd AmbientCapabilities=;"
      + " docker run --cap-add BPF --cap-add PERFMON --cap-add DAC_READ_SEARCH;"
      + " Kubernetes securityContext.capabilities.add: [BPF, PERFMON, DAC_READ_SEARCH])";

  private CapabilityCheck() {}

  /**
   * @param tracefsReadable whether this process could read a tracepoint format file: tracefs
   *     mounted with a group or mode that lets this user in needs no CAP_DAC_READ_SEARCH
   */
  static Finding check(ProcStatus status, boolean tracefsReadable) {
    List<String> missing = missing(status, tracefsReadable);
    String who = "euid " + status.effectiveUid() + ", CapEff "
        + String.format("%016x", status.capEff());
    if (missing.isEmpty()) {
      List<String> have = status.relevantCapabilities();
      return Finding.ok(CHECK, (have.isEmpty() ? "none needed" : String.join(" ", have))
          + " (" + who + ")");
    }
    return Finding.fail(CHECK, "missing " + String.join(", ", missing) + " (" + who + ")", GRANT);
  }

  static List<String> missing(ProcStatus status, boolean tracefsReadable) {
    List<String> missing = new ArrayList<>();
    if (!status.bpfCapable()) {
      missing.add("CAP_BPF");
    }
    if (!status.perfmonCapable()) {
      missing.add("CAP_PERFMON");
    }
    // uid 0 owns tracefs; anyone else needs to bypass its 0700 directories.
    if (status.effectiveUid() != 0 && !status.canReadAnyFile() && !tracefsReadable) {
      missing.add("CAP_DAC_READ_SEARCH");
    }
    return missing;
  }
}
