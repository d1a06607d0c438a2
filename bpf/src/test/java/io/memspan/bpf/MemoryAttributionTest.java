package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults and mmaps of an armed thread land in its op, exactly; elsewhere they are idle. */
class MemoryAttributionTest {
  static final long MIB_64 = 64L << 20;
  static final long PAGES_64 = MIB_64 / 4096;

  static MemoryProbe probe;

  @BeforeAll
  static void load() {
    probe = Probes.load(ProbeOptions.defaults());
    // JNA, the touch loop and their code pages warmed up before anything is measured.
    Pointer p = TestLibC.mapAnonymous(MIB_64);
    TestLibC.touch(p, MIB_64);
    TestLibC.INSTANCE.munmap(p, MIB_64);
    Probes.drain(probe);
  }

  @AfterAll
  static void close() {
    if (probe != null) {
      probe.close();
    }
  }

  /** mmap + madvise(NOHUGEPAGE) + one write per page, as the armed op or not. */
  static Pointer mapAndTouch() {
    Pointer p = TestLibC.mapAnonymous(MIB_64);
    TestLibC.INSTANCE.madvise(p, MIB_64, TestLibC.MADV_NOHUGEPAGE);
    TestLibC.touch(p, MIB_64);
    return p;
  }

  @Test
  void armedMappingIsOneMmapAndOneFaultPerPage() {
    ThreadSlot slot = probe.claimCurrentThread();
    assertTrue(slot.tid() > 0, "a real slot, not the inert one");
    SlotCounters c = new SlotCounters();

    slot.arm(42);
    Pointer p = mapAndTouch();
    slot.disarm();
    slot.readOp(c);

    assertEquals(1, c.mmapCount, c.toString());
    assertEquals(MIB_64, c.mmapBytes, c.toString());
    assertEquals(PAGES_64, c.userFaults, 2, c.toString());
    assertEquals(1, c.madviseCount, c.toString());
    assertEquals(0, c.munmapCount, c.toString());

    List<SyscallRecord> mine = Probes.drain(probe).stream()
        .filter(r -> r.opId() == 42).collect(Collectors.toList());
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
    ThreadSlot slot = probe.claimCurrentThread();
    SlotCounters before = new SlotCounters();
    SlotCounters after = new SlotCounters();
    SlotCounters op = new SlotCounters();
    slot.arm(7);
    slot.disarm();
    slot.readIdle(before);

    Pointer p = mapAndTouch();
    slot.readIdle(after);
    slot.readOp(op);

    assertEquals(1, after.mmapCount - before.mmapCount, after.toString());
    assertEquals(MIB_64, after.mmapBytes - before.mmapBytes, after.toString());
    assertEquals(PAGES_64, after.userFaults - before.userFaults, 2, after.toString());
    assertEquals(0, op.faults() + op.mmapCount, "nothing lands in the last op: " + op);
    List<SyscallRecord> records = Probes.drain(probe);
    SyscallRecord mmap = records.stream()
        .filter(r -> r.tid() == slot.tid() && r.syscall() == SyscallRecord.Syscall.MMAP
            && r.ret() == Pointer.nativeValue(p))
        .findFirst().orElseThrow(() -> new AssertionError(records.toString()));
    assertEquals(0, mmap.opId());
    TestLibC.INSTANCE.munmap(p, MIB_64);
  }
}
