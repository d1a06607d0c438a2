package io.memspan.bpf.doctor;

/** How one check came out. */
public enum Status {
  OK("ok"),
  /** Works, but something is worth knowing (or the check was skipped). */
  WARN("warn"),
  /** memspan's eBPF probe cannot run until this is fixed. */
  FAIL("FAIL");

  private final String label;

  Status(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
