package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The smallest ring (4 KiB, 42 records of 96 bytes) read over many laps: positions wrap past the
 * data size again and again, and every record still arrives intact and in order.
 */
class RingWrapTest {
  @RegisterExtension
  static final BccProbeExtension bcc =
      new BccProbeExtension(ProbeOptions.defaults().withRingBytes(4096));

  private static final int BATCHES = 40;
  private static final int PAIRS = 5; // 10 records per batch: well under one ring between polls

  @Test
  void everyRecordSurvivesManyLapsOfTheSmallestRing() {
    MemoryProbe probe = bcc.probe();
    ThreadSlot slot = bcc.slot();
    int tid = LibC.gettid();
    List<SyscallRecord> all = new ArrayList<>();
    probe.poll(all::add);
    List<long[]> expected = new ArrayList<>(); // kind ordinal, op, addr, len
    for (int batch = 0; batch < BATCHES; batch++) {
      long op = 7000 + batch;
      slot.arm(op);
      for (int i = 0; i < PAIRS; i++) {
        long len = (long) (batch * PAIRS + i + 1) * 4096;
        Pointer p = TestLibC.mapAnonymous(len);
        long addr = Pointer.nativeValue(p);
        TestLibC.INSTANCE.munmap(p, len);
        expected.add(new long[] {SyscallRecord.Syscall.MMAP.ordinal(), op, addr, len});
        expected.add(new long[] {SyscallRecord.Syscall.MUNMAP.ordinal(), op, addr, len});
      }
      slot.disarm();
      probe.poll(all::add);
    }
    ProbeStats stats = probe.stats();
    for (int attempt = 0; attempt < 100 && stats.recordsPending() != 0; attempt++) {
      probe.poll(all::add);
      stats = probe.stats();
    }
    assertEquals(0, stats.recordsPending(), stats.toString());
    assertEquals(stats.recordsGenerated(), stats.recordsDelivered() + stats.recordsLost(),
        stats.toString());
    assertTrue(stats.recordsGenerated() * 96 >= 8 * 4096,
        "at least eight laps of the ring: " + stats);

    List<long[]> got = new ArrayList<>();
    for (SyscallRecord r : all) {
      if (r.tid() != tid || r.opId() < 7000 || r.opId() >= 7000 + BATCHES) {
        continue;
      }
      long addr = r.syscall() == SyscallRecord.Syscall.MMAP ? r.ret() : r.args()[0];
      got.add(new long[] {r.syscall().ordinal(), r.opId(), addr, r.args()[1]});
      if (r.syscall() == SyscallRecord.Syscall.MUNMAP) {
        assertEquals(0, r.ret(), r.toString());
      } else {
        assertEquals(LibC.PROT_READ | LibC.PROT_WRITE, r.args()[2], r.toString());
      }
      assertTrue(r.enterNs() > 0 && r.exitNs() >= r.enterNs(), r.toString());
    }
    assertEquals(expected.size(), got.size(), "this thread's records, none lost: " + stats);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), "record " + i);
    }
  }
}
