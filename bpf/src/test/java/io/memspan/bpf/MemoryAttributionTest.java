package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults and mmaps of an armed thread land in its op, exactly; elsewhere they are idle. */
class MemoryAttributionTest {
  static final long MIB_64 = 64L << 20;
  static final long PAGES_64 = MIB_64 / 4096;

  @RegisterExtension
  static final BccProbeExtension bcc = new BccProbeExtension();

  @BeforeAll
  static void warmUp() {
    TestLibC.mapTouchAndUnmap(MIB_64);
    bcc.drain();
  }

  @Test
  void armedMappingIsOneMmapAndOneFaultPerPage() {
    ThreadSlot slot = bcc.slot();
    assertTrue(slot.tid() > 0, "a real slot, not the inert one");

    ArmedOp op = ArmedOp.arm(slot, 42);
    Pointer p = TestLibC.mapAndTouch(MIB_64);
    SlotCounters c = op.disarm();

    ArmedOp.assertOneTouchedMapping(c, MIB_64);
    assertEquals(1, c.madviseCount, c.toString());
    assertEquals(0, c.munmapCount, c.toString());

    List<SyscallRecord> mine = op.records(bcc.drain());
    assertEquals(2, mine.size(), mine.toString());
    SyscallRecord mmap = mine.get(0);
    assertEquals(SyscallRecord.Syscall.MMAP, mmap.syscall());
    assertEquals(slot.tid(), mmap.tid());
    assertEquals(Pointer.nativeValue(p), mmap.ret());
    assertEquals(0, mmap.args()[0]);
    assertEquals(MIB_64, mmap.args()[1]);
    assertEquals(TestLibC.PROT_READ | TestLibC.PROT_WRITE, mmap.args()[2]);
    assertEquals(TestLibC.MAP_PRIVATE | TestLibC.MAP_ANONYMOUS, mmap.args()[3]);
    assertEquals(-1, (int) mmap.args()[4]);
    assertEquals(0, mmap.args()[5]);
    assertTrue(mmap.enterNs() <= mmap.exitNs(), mmap.toString());
    TestLibC.INSTANCE.munmap(p, MIB_64);
  }

  @Test
  void disarmedMappingLandsInIdleCounters() {
    ThreadSlot slot = bcc.slot();
    SlotCounters before = new SlotCounters();
    SlotCounters after = new SlotCounters();
    SlotCounters op = new SlotCounters();
    ArmedOp.arm(slot, 7).disarm();
    slot.readIdle(before);

    Pointer p = TestLibC.mapAndTouch(MIB_64);
    slot.readIdle(after);
    slot.readOp(op);

    assertEquals(1, after.mmapCount - before.mmapCount, after.toString());
    assertEquals(MIB_64, after.mmapBytes - before.mmapBytes, after.toString());
    assertEquals(PAGES_64, after.userFaults - before.userFaults, 2, after.toString());
    assertEquals(0, op.faults() + op.mmapCount, "nothing lands in the last op: " + op);
    List<SyscallRecord> records = bcc.drain();
    SyscallRecord mmap = records.stream()
        .filter(r -> r.tid() == slot.tid() && r.syscall() == SyscallRecord.Syscall.MMAP
            && r.ret() == Pointer.nativeValue(p))
        .findFirst().orElseThrow(() -> new AssertionError(records.toString()));
    assertEquals(0, mmap.opId());
    TestLibC.INSTANCE.munmap(p, MIB_64);
  }
}
