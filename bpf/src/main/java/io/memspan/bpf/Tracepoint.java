package io.memspan.bpf;

import java.util.List;

/** A kernel tracepoint memspan attaches to, and the BCC function (TRACEPOINT_PROBE) that serves it. */
record Tracepoint(String category, String event) {

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
      new Tracepoint("exceptions", "page_fault_user"),
      new Tracepoint("exceptions", "page_fault_kernel"));

  /** The name BCC gives the function of {@code TRACEPOINT_PROBE(category, event)}. */
  String functionName() {
    return "tracepoint__" + category + "__" + event;
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
