package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * eBPF, the util-linux {@code tool} and CAP_SYS_ADMIN (to drop capabilities for a child, or to
   * make a namespace): each a {@link BpfRequirement} precondition, skipped or failed with its reason.
   */
  static void assumeToolAsAdmin(String tool, String adminFor) throws IOException {
    BpfRequirement.assumeAvailable();
    BpfRequirement.assumeThat(Files.isExecutable(Path.of("/usr/bin", tool)),
        tool + " (util-linux) missing");
    BpfRequirement.assumeThat(ProcStatus.current().has(ProcStatus.CAP_SYS_ADMIN),
        adminFor + " needs CAP_SYS_ADMIN");
  }

  static List<SyscallRecord> drain(MemoryProbe probe) {
    List<SyscallRecord> records = new ArrayList<>();
    probe.poll(records::add);
    return records;
  }
}
