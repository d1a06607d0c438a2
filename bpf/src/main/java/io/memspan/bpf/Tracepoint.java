package io.memspan.bpf;

import java.util.List;

/**
 * A kernel tracepoint memspan attaches to, and the BCC function that serves it: TRACEPOINT_PROBE
 * (through a perf event) or, for the fault tracepoints that fire for every page fault on the host,
 * RAW_TRACEPOINT_PROBE, which skips building the perf record before the program runs.
 */
record Tracepoint(String category, String event, boolean raw) {

  Tracepoint(String category, String event) {
    this(category, event, false);
  }

  /** Every tracepoint memspan.bpf.c serves, in attach order (faults last: they fire most). */
  static final List<Tracepoint> ALL = List.of(
      new Tracepoint("syscalls", "sys_enter_mmap"),
      new Tracepoint("syscalls", "sys_exit_mmap"),
      new Tracepoint("syscalls", "sys_enter_munmap"),
      new Tracepoint("syscalls", "sys_exit_munmap"),
      new Tracepoint("syscalls", "sys_enter_mremap"),
      new Tracepoint("syscalls", "sys_exit_mremap"),
      new Tracepoint("syscalls", "sys_enter_brk"),
      new Tracepoint("syscalls", "sys_exit_brk"),
      new Tracepoint("syscalls", "sys_enter_madvise"),
      new Tracepoint("syscalls", "sys_exit_madvise"),
      new Tracepoint("exceptions", "page_fault_user", true),
      new Tracepoint("exceptions", "page_fault_kernel", true));

  /** The name BCC gives the function of {@code [RAW_]TRACEPOINT_PROBE(...)}. */
  String functionName() {
    return raw ? "raw_tracepoint__" + event : "tracepoint__" + category + "__" + event;
  }

  int programType() {
    return raw ? LibBcc.BPF_PROG_TYPE_RAW_TRACEPOINT : LibBcc.BPF_PROG_TYPE_TRACEPOINT;
  }

  /** Path of the format file below a tracefs mount. */
  String formatPath() {
    return "events/" + category + "/" + event + "/format";
  }

  @Override
  public String toString() {
    return category + ":" + event;
  }
}
