package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;
import java.util.List;

/**
 * Whether this process holds what loading memspan's program needs, by the rule the probe's
 * preflight applies too ({@link ProcStatus#missingCapabilities}), with the capabilities it has.
 */
final class CapabilityCheck {

  static final String CHECK = "capabilities";

  /** What fixes any missing capability: {@link ProcStatus#GRANT}. */
  static final String GRANT = ProcStatus.GRANT;

  private CapabilityCheck() {}

  /**
   * @param tracefsReadable whether this process could read a tracepoint format file: tracefs
   *     mounted with a group or mode that lets this user in needs no CAP_DAC_READ_SEARCH
   */
  static Finding check(ProcStatus status, boolean tracefsReadable) {
    List<String> missing = status.missingCapabilities(tracefsReadable);
    String who = "euid " + status.effectiveUid() + ", CapEff "
        + String.format("%016x", status.capEff());
    if (missing.isEmpty()) {
      List<String> have = status.relevantCapabilities();
      return Finding.ok(CHECK, (have.isEmpty() ? "none needed" : String.join(" ", have))
          + " (" + who + ")");
    }
    return Finding.fail(CHECK, "missing " + String.join(", ", missing) + " (" + who + ")", GRANT);
  }
}
