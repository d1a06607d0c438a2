package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A ring too small for the burst, with no consumer: every record is delivered or counted lost. */
class RingLossTest {
  @RegisterExtension
  static final BccProbeExtension bcc =
      new BccProbeExtension(ProbeOptions.defaults().withRingBytes(4096));

  @Test
  void lossIsCountedAndAddsUp() {
    MemoryProbe probe = bcc.probe();
    ThreadSlot slot = bcc.slot();
    // The loop once unarmed first: its first runs link JNA's call path and load classes, and
    // a metaspace commit (a 64 KiB mmap) inside the armed op would be counted as the op's.
    mapAndUnmapPages(500);
    int drainedBefore = bcc.drain().size();
    ArmedOp op = ArmedOp.arm(slot, 9);
    mapAndUnmapPages(500);
    SlotCounters c = op.disarm();
    assertEquals(500, c.mmapCount, "counters never lose: " + c);
    assertEquals(500, c.munmapCount, "counters never lose: " + c);

    List<SyscallRecord> delivered = new ArrayList<>();
    // 4096 bytes hold 42 records of 88 + 8 bytes; everything beyond is lost, and counted.
    int first = probe.poll(delivered::add);
    assertTrue(first > 0 && first <= 4096 / 96, "one ring's worth delivered: " + first);
    ProbeStats stats = null;
    // Other JVM threads may produce records meanwhile: drain until nothing is pending.
    for (int attempt = 0; attempt < 100; attempt++) {
      probe.poll(delivered::add);
      stats = probe.stats();
      if (stats.recordsPending() == 0) {
        break;
      }
    }
    assertEquals(0, stats.recordsPending(), stats.toString());
    assertEquals(stats.recordsGenerated(), stats.recordsDelivered() + stats.recordsLost(),
        stats.toString());
    assertEquals(drainedBefore + delivered.size(), stats.recordsDelivered(), stats.toString());
    assertTrue(stats.recordsGenerated() >= 1000, stats.toString());
    assertTrue(stats.recordsLost() >= 1000 - 4096 / 96, stats.toString());
  }

  private static void mapAndUnmapPages(int n) {
    for (int i = 0; i < n; i++) {
      Pointer p = TestLibC.mapAnonymous(4096);
      TestLibC.INSTANCE.munmap(p, 4096);
    }
  }
}
