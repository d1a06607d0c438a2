package io.memspan.bpf;

/**
 * Java's one definition of {@code struct memspan_event} of memspan.bpf.c (a ring-buffer record);
 * SlotLayoutTest checks it against the C compiler's offsetof.
 */
final class EventLayout {
  static final int KIND = 0;
  static final int TID = 4;
  static final int ENTER_NS = 8;
  static final int EXIT_NS = 16;
  static final int ARGS = 24;
  static final int ARG_COUNT = 6;
  static final int RET = 72;
  static final int OP_ID = 80;
  static final int SIZE = 88;

  private EventLayout() {}
}
