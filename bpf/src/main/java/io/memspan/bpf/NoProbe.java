package io.memspan.bpf;

import java.util.function.Consumer;

/** The probe when no kernel source is wanted or available: inert slots, no records. */
final class NoProbe implements MemoryProbe {
  static final NoProbe INSTANCE = new NoProbe();

  private NoProbe() {}

  @Override
  public String source() {
    return NONE;
  }

  @Override
  public ThreadSlot claimCurrentThread() {
    return ThreadSlot.INERT;
  }

  @Override
  public int poll(Consumer<SyscallRecord> sink) {
    return 0;
  }

  @Override
  public ProbeStats stats() {
    return new ProbeStats(0, 0, 0, 0, 0);
  }

  @Override
  public void forEachIdleThread(IdleThreadVisitor visitor) {}

  @Override
  public void close() {}
}
