package io.memspan.bpf.doctor;

import java.util.Objects;

/**
 * The outcome of one check: what was checked, how it came out, what was seen, and for a failure the
 * command or capability that fixes it.
 */
public record Finding(String check, Status status, String detail, String fix) {

  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    if (status == Status.FAIL && (fix == null || fix.isBlank())) {
      throw new IllegalArgumentException("a failed check must say what fixes it: " + check);
    }
  }

  public static Finding ok(String check, String detail) {
    return new Finding(check, Status.OK, detail, null);
  }

  public static Finding warn(String check, String detail) {
    return new Finding(check, Status.WARN, detail, null);
  }

  public static Finding fail(String check, String detail, String fix) {
    return new Finding(check, Status.FAIL, detail, fix);
  }

  public boolean failed() {
    return status == Status.FAIL;
  }

  /**
   * One report line: {@code "ok    kernel    6.18.44 ..."}. A multi-line detail (a compiler's
   * output) continues on indented lines below it.
   */
  public String line() {
    String head = String.format("%-4s  %-40s  ", status.label(), check);
    return head + detail.strip().replace("\n", "\n" + " ".repeat(head.length()));
  }

  /** The detail's first line: what a one-line verdict quotes. */
  public String summary() {
    String d = detail.strip();
    int nl = d.indexOf('\n');
    return nl < 0 ? d : d.substring(0, nl).strip() + " (more above)";
  }
}
