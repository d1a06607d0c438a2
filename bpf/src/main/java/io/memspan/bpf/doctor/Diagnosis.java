package io.memspan.bpf.doctor;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every check's finding in the order they ran, and the verdict. Checks run prerequisites first (a
 * missing capability before the tracefs read it makes fail), so the first failure is the cause to
 * fix and decides the verdict.
 */
public record Diagnosis(List<Finding> findings) {

  public static final String READY = "eBPF: ready";
  public static final String NOT_AVAILABLE = "eBPF: not available — ";

  public Diagnosis {
    findings = List.copyOf(findings);
  }

  public boolean ready() {
    return firstFailure().isEmpty();
  }

  public Optional<Finding> firstFailure() {
    return findings.stream().filter(Finding::failed).findFirst();
  }

  /**
   * {@code eBPF: ready}, or {@code eBPF: not available — <what is missing>: <what fixes it>} naming
   * the first failure, and how many more failures the report shows.
   */
  public String verdict() {
    Optional<Finding> first = firstFailure();
    if (first.isEmpty()) {
      return READY;
    }
    Finding f = first.get();
    long more = findings.stream().filter(Finding::failed).count() - 1;
    return NOT_AVAILABLE + f.summary() + ": " + f.fix()
        + (more > 0 ? " (" + more + " more failed check" + (more > 1 ? "s" : "")
            + " above may follow from this)" : "");
  }

  /** The process exit status of {@code memspan doctor}: 0 when ready, 1 otherwise. */
  public int exitCode() {
    return ready() ? 0 : 1;
  }

  /** One line per check, then the verdict. */
  public String report() {
    return findings.stream().map(Finding::line).collect(Collectors.joining("\n"))
        + "\n" + verdict();
  }
}
