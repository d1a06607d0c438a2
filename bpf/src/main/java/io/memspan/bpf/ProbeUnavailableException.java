package io.memspan.bpf;

/**
 * The eBPF probe cannot load here. The message names the exact missing piece and what fixes it;
 * {@link #missing()} says which piece, for tools such as {@code memspan doctor}.
 */
public final class ProbeUnavailableException extends Exception {

  /** What is missing, from the host down to the program. */
  public enum Missing {
    LIBBCC, TRACEFS, TRACEPOINT, KERNEL_HEADERS, CAPABILITY, BPF_SYSCALL, COMPILE, LOAD, ATTACH, MAP
  }

  private final Missing missing;

  public ProbeUnavailableException(Missing missing, String message) {
    super(message);
    this.missing = missing;
  }

  public ProbeUnavailableException(Missing missing, String message, Throwable cause) {
    super(message, cause);
    this.missing = missing;
  }

  public Missing missing() {
    return missing;
  }
}
