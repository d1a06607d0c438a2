package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Loading a probe in a test: skip or fail per {@link BpfRequirement}, then load for real. */
final class Probes {
  private Probes() {}

  static MemoryProbe load(ProbeOptions options) {
    BpfRequirement.assumeAvailable();
    try {
      return MemoryProbes.bcc(options);
    } catch (ProbeUnavailableException e) {
      return fail("probe loaded once in this JVM but not now: " + e.getMessage(), e);
    }
  }

  static List<SyscallRecord> drain(MemoryProbe probe) {
    List<SyscallRecord> records = new ArrayList<>();
    probe.poll(records::add);
    return records;
  }
}
