package io.memspan.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.MemoryProbes;
import io.memspan.bpf.ProbeUnavailableException;
import io.memspan.bpf.ProbeUnavailableException.Missing;
import org.junit.jupiter.api.Test;

class KernelSourceTest {

  /** Sources that fail the way the real ones do when the host lacks them. */
  private static KernelSource.Factory failing(boolean bccFails, boolean rusageFails,
      MemoryProbe bcc, MemoryProbe rusage) {
    return new KernelSource.Factory() {
      @Override
      public MemoryProbe bcc() throws ProbeUnavailableException {
        if (bccFails) {
          throw new ProbeUnavailableException(Missing.CAPABILITY,
              "CAP_BPF is missing (run as root or grant CAP_BPF, CAP_PERFMON)");
        }
        return bcc;
      }

      @Override
      public MemoryProbe rusage() throws ProbeUnavailableException {
        if (rusageFails) {
          throw new ProbeUnavailableException(Missing.LIBBCC, "getrusage: libc not found");
        }
        return rusage;
      }

      @Override
      public MemoryProbe none() {
        return MemoryProbes.none();
      }
    };
  }

  @Test
  void autoFallsBackAndSaysWhy() {
    MemoryProbe none = MemoryProbes.none();
    KernelSource.Choice c = KernelSource.choose("auto", failing(true, true, null, null));
    assertSame(none, c.probe());
    assertEquals("memspan: kernel source none (eBPF unavailable: CAP_BPF is missing (run as root"
        + " or grant CAP_BPF, CAP_PERFMON); getrusage unavailable: getrusage: libc not found)",
        c.line());
  }

  @Test
  void autoPrefersBccThenRusage() {
    MemoryProbe a = MemoryProbes.none();
    KernelSource.Choice bcc = KernelSource.choose("auto", failing(false, false, a, null));
    assertSame(a, bcc.probe());
    assertEquals("memspan: kernel source bcc (eBPF, exact per op)", bcc.line());
    KernelSource.Choice rusage = KernelSource.choose("AUTO", failing(true, false, null, a));
    assertSame(a, rusage.probe());
    assertEquals("memspan: kernel source rusage, fault counts only (eBPF unavailable: CAP_BPF is"
        + " missing (run as root or grant CAP_BPF, CAP_PERFMON))", rusage.line());
  }

  @Test
  void explicitModesDoNotFallBackToAnotherSource() {
    KernelSource.Choice bcc = KernelSource.choose("bcc", failing(true, false, null, null));
    assertEquals("none", bcc.probe().source());
    assertEquals("memspan: kernel source none (memspan.kernel=bcc but eBPF is unavailable: CAP_BPF"
        + " is missing (run as root or grant CAP_BPF, CAP_PERFMON))", bcc.line());
    KernelSource.Choice off = KernelSource.choose("off", failing(false, false, null, null));
    assertEquals("none", off.probe().source());
  }

  @Test
  void onlyModesThatMayLoadTheEbpfProgramAreWorthLoweringFor() {
    assertEquals(true, KernelSource.mayCompile("auto"));
    assertEquals(true, KernelSource.mayCompile("BCC"));
    assertEquals(false, KernelSource.mayCompile("off"));
    assertEquals(false, KernelSource.mayCompile("Rusage"));
  }
}
