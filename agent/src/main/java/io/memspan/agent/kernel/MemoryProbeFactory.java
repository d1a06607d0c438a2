package io.memspan.agent.kernel;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProbeUnavailableException;

/** The real sources, from the bpf module. */
public final class MemoryProbeFactory implements KernelSource.Factory {
  private final ProbeOptions options;

  public MemoryProbeFactory(ProbeOptions options) {
    this.options = options;
  }

  @Override
  public MemoryProbe bcc() throws ProbeUnavailableException {
    return MemoryProbes.bcc(options);
  }

  @Override
  public MemoryProbe rusage() {
    return MemoryProbes.rusage();
  }

  @Override
  public MemoryProbe none() {
    return MemoryProbes.none();
  }
}
