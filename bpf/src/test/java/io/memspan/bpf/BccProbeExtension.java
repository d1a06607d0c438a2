package io.memspan.bpf;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One bcc probe for a test class: loaded before its {@code @BeforeAll} methods, closed after its
 * last test. Register it as {@code @RegisterExtension static final BccProbeExtension bcc = ...}.
 * Loading goes through {@link Probes#load}, so the class is skipped with the reason when eBPF is
 * unavailable here, and fails under {@code MEMSPAN_REQUIRE_BPF=1} ({@link BpfRequirement}).
 */
final class BccProbeExtension implements BeforeAllCallback, AfterAllCallback {
  private final ProbeOptions options;
  private MemoryProbe probe;

  BccProbeExtension() {
    this(ProbeOptions.defaults());
  }

  BccProbeExtension(ProbeOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    probe = Probes.load(options);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }

  MemoryProbe probe() {
    if (probe == null) {
      throw new IllegalStateException("no probe: register the extension on a static field");
    }
    return probe;
  }

  /** The calling thread's slot (claimed on first use). */
  ThreadSlot slot() {
    return probe().claimCurrentThread();
  }

  /** Every record the ring holds now. */
  List<SyscallRecord> drain() {
    return Probes.drain(probe());
  }
}
