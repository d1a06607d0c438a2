package io.memspan.bpf;

/**
 * One memory syscall of the traced process, as the ring buffer carries it: who, when (CLOCK_MONOTONIC
 * nanoseconds, the clock of {@link System#nanoTime()}), its arguments as the kernel saw them, its
 * return value, and the op armed on that thread at entry (0 if none).
 */
public record SyscallRecord(
    Syscall syscall, int tid, long enterNs, long exitNs, long[] args, long ret, long opId) {

  /** The syscalls memspan records; {@code args} hold their arguments in the kernel's order. */
  public enum Syscall {
    MMAP("mmap", "addr", "len", "prot", "flags", "fd", "off"),
    MUNMAP("munmap", "addr", "len"),
    MREMAP("mremap", "addr", "old_len", "new_len", "flags", "new_addr"),
    BRK("brk", "brk"),
    MADVISE("madvise", "start", "len_in", "behavior");

    private final String spanEventName;
    private final String[] argNames;

    Syscall(String spanEventName, String... argNames) {
      this.spanEventName = spanEventName;
      this.argNames = argNames;
    }

    /** The span event name ({@code mmap}, {@code munmap}, ...). */
    public String eventName() { return spanEventName; }

    /** How many of a record's {@code args} this syscall has. */
    public int argCount() { return argNames.length; }

    /** Argument names as in the tracepoint's format file. */
    public String[] argNames() { return argNames.clone(); }
  }
}
