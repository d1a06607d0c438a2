package io.memspan.agent.testing;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.ProbeStats;
import io.memspan.bpf.SyscallRecord;
import io.memspan.bpf.ThreadSlot;
import java.util.function.Consumer;

/**
 * A kernel source that counts nothing, for tests to extend with just the behaviour they give (the
 * bpf module's own inert source is not open to extension, and should not be for tests).
 */
public class InertProbe implements MemoryProbe {
  private final String source;

  public InertProbe(String source) {
    this.source = source;
  }

  @Override
  public String source() {
    return source;
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
