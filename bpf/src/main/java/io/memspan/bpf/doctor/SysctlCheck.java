package io.memspan.bpf.doctor;

import io.memspan.bpf.ProcStatus;

/**
 * The two sysctls that decide what an unprivileged process may do with perf and bpf. memspan needs
 * CAP_PERFMON and CAP_BPF at any setting (tracing programs are never unprivileged), so these explain
 * rather than decide: they warn only when the capability is missing too.
 */
final class SysctlCheck {

  static final String PARANOID = "perf_event_paranoid";
  static final String UNPRIVILEGED_BPF = "unprivileged_bpf_disabled";

  private SysctlCheck() {}

  static Finding perfEventParanoid(int value, ProcStatus status) {
    if (status.perfmonCapable()) {
      return Finding.ok(PARANOID, value + " (CAP_PERFMON overrides it)");
    }
    return Finding.warn(PARANOID, value + ": attaching tracepoints needs CAP_PERFMON at any level");
  }

  static Finding unprivilegedBpfDisabled(int value, ProcStatus status) {
    String meaning = switch (value) {
      case 0 -> "unprivileged bpf() allowed, for socket filters only";
      case 1 -> "unprivileged bpf() disabled until reboot";
      case 2 -> "unprivileged bpf() disabled";
      default -> "unknown setting";
    };
    if (status.bpfCapable()) {
      return Finding.ok(UNPRIVILEGED_BPF, value + " (" + meaning + "; CAP_BPF overrides it)");
    }
    return Finding.warn(UNPRIVILEGED_BPF, value + " (" + meaning + "): tracing needs CAP_BPF");
  }

  /** Parses a one-number sysctl file's text. */
  static int parse(String text) {
    return Integer.parseInt(text.trim());
  }
}
