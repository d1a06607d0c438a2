package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Another process's mmaps never reach this process's probe; a probe for that process sees them. */
class TgidFilterTest {
  static final long MIB_64 = 64L << 20;

  static boolean isChildMapping(SyscallRecord r) {
    return r.syscall() == SyscallRecord.Syscall.MMAP && r.args()[1] >= MIB_64
        && r.args()[1] <= MIB_64 + 65536;
  }

  @Test
  void otherProcessIsFilteredOut() throws Exception {
    // dd allocates its 64 MiB block with malloc -> one mmap, after we let it start.
    Process child = new ProcessBuilder("sh", "-c",
        "read go; exec dd if=/dev/zero of=/dev/null bs=64M count=2 status=none")
        .redirectErrorStream(true).start();
    try (MemoryProbe mine = Probes.load(ProbeOptions.defaults());
         MemoryProbe theirs = Probes.load(ProbeOptions.defaults().withPid((int) child.pid()))) {
      Probes.drain(mine);
      try (OutputStream in = child.getOutputStream()) {
        in.write("go\n".getBytes());
      }
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "dd finished");
      assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));

      List<SyscallRecord> ours = new ArrayList<>();
      mine.poll(ours::add);
      List<SyscallRecord> childs = new ArrayList<>();
      theirs.poll(childs::add);

      assertTrue(childs.stream().anyMatch(r -> isChildMapping(r) && r.tid() == child.pid()),
          "the probe for the child sees dd's buffer: " + childs);
      assertTrue(ours.stream().noneMatch(r -> r.tid() == child.pid()), ours.toString());
      assertTrue(ours.stream().noneMatch(TgidFilterTest::isChildMapping), ours.toString());
    } finally {
      child.destroyForcibly();
    }
  }
}
