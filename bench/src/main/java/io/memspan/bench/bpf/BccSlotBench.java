package io.memspan.bench.bpf;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeOptions;
import io.memspan.bpf.ProbeUnavailableException;

/**
 * What the bcc probe costs an application thread per op: arm + disarm are stores into the mapped
 * slot (goal 15 ns for the pair), reading the op's counters is nine loads (goal 5 ns).
 */
public class BccSlotBench extends ThreadSlotBench {

  @Override
  protected MemoryProbe openProbe() throws ProbeUnavailableException {
    return MemoryProbes.bcc(ProbeOptions.defaults());
  }
}
