package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** munmap, mremap, madvise and brk records carry their exact arguments and results. */
class SyscallRecordsTest {
  @RegisterExtension
  static final BccProbeExtension bcc = new BccProbeExtension();
  static long nextOp = 500;

  @BeforeAll
  static void warmUp() {
    // Each call once, unarmed: JNA prepares a native call on first use (and may map memory).
    Pointer p = TestLibC.mapAnonymous(1 << 20);
    TestLibC.touch(p, 1 << 20);
    TestLibC.INSTANCE.madvise(p, 1 << 20, TestLibC.MADV_DONTNEED);
    Pointer q = TestLibC.INSTANCE.mremap(p, 1 << 20, 2 << 20, TestLibC.MREMAP_MAYMOVE);
    TestLibC.INSTANCE.munmap(q, 2 << 20);
    TestLibC.INSTANCE.syscall(TestLibC.SYS_BRK, 0L);
    bcc.drain();
  }

  /**
   * The records of one kind of the armed op, in order. Only that kind: the JVM may make memory
   * syscalls of its own on this thread meanwhile (glibc creating this thread's malloc arena).
   */
  static List<SyscallRecord> recordsOf(ArmedOp op, SyscallRecord.Syscall kind) {
    return op.records(bcc.drain()).stream().filter(r -> r.syscall() == kind)
        .collect(Collectors.toList());
  }

  static ArmedOp arm() {
    return ArmedOp.arm(bcc.slot(), ++nextOp);
  }

  @Test
  void munmap() {
    Pointer p = TestLibC.mapAnonymous(2 << 20);
    ArmedOp op = arm();
    int ok = TestLibC.INSTANCE.munmap(p, 2 << 20);
    int bad = TestLibC.INSTANCE.munmap(new Pointer(Pointer.nativeValue(p) + 1), 4096);
    SlotCounters c = op.disarm();

    List<SyscallRecord> r = recordsOf(op, SyscallRecord.Syscall.MUNMAP);
    assertEquals(2, r.size(), r.toString());
    assertEquals(SyscallRecord.Syscall.MUNMAP, r.get(0).syscall());
    assertArrayEquals(new long[] {Pointer.nativeValue(p), 2 << 20}, r.get(0).args());
    assertEquals(0, ok);
    assertEquals(0, r.get(0).ret());
    assertArrayEquals(new long[] {Pointer.nativeValue(p) + 1, 4096}, r.get(1).args());
    assertEquals(-1, bad);
    assertEquals(-22, r.get(1).ret(), "EINVAL for an unaligned address");
    assertEquals(bcc.slot().tid(), r.get(0).tid());
    // The failed munmap is recorded but unmaps nothing.
    assertEquals(1, c.munmapCount, c.toString());
    assertEquals(2 << 20, c.munmapBytes, c.toString());
  }

  @Test
  void mremap() {
    Pointer p = TestLibC.mapAnonymous(1 << 20);
    ArmedOp op = arm();
    Pointer q = TestLibC.INSTANCE.mremap(p, 1 << 20, 4 << 20, TestLibC.MREMAP_MAYMOVE);
    SlotCounters c = op.disarm();

    List<SyscallRecord> r = recordsOf(op, SyscallRecord.Syscall.MREMAP);
    assertEquals(1, r.size(), r.toString());
    SyscallRecord m = r.get(0);
    assertEquals(SyscallRecord.Syscall.MREMAP, m.syscall());
    // new_addr (args[4]) is only meaningful with MREMAP_FIXED: not compared.
    assertArrayEquals(new long[] {Pointer.nativeValue(p), 1 << 20, 4 << 20,
        TestLibC.MREMAP_MAYMOVE}, Arrays.copyOf(m.args(), 4));
    assertEquals(Pointer.nativeValue(q), m.ret());
    assertEquals(1, c.mremapCount, c.toString());
    TestLibC.INSTANCE.munmap(q, 4 << 20);
  }

  @Test
  void madviseDontNeed() {
    Pointer p = TestLibC.mapAnonymous(1 << 20);
    TestLibC.touch(p, 1 << 20);
    ArmedOp op = arm();
    int ret = TestLibC.INSTANCE.madvise(p, 1 << 20, TestLibC.MADV_DONTNEED);
    // DONTNEED dropped the pages: touching them again faults each one in anew.
    TestLibC.touch(p, 1 << 20);
    SlotCounters c = op.disarm();

    List<SyscallRecord> r = recordsOf(op, SyscallRecord.Syscall.MADVISE);
    assertEquals(1, r.size(), r.toString());
    assertEquals(SyscallRecord.Syscall.MADVISE, r.get(0).syscall());
    assertArrayEquals(new long[] {Pointer.nativeValue(p), 1 << 20, TestLibC.MADV_DONTNEED},
        r.get(0).args());
    assertEquals(0, ret);
    assertEquals(0, r.get(0).ret());
    assertEquals(1, c.madviseCount, c.toString());
    // 256 pages re-faulted; the JVM may add a few of its own on this thread (a safepoint poll
    // faults on its protected page), which matter more for 1 MiB than for 64 MiB.
    assertEquals(256, c.userFaults, 8, c.toString());
    TestLibC.INSTANCE.munmap(p, 1 << 20);
  }

  @Test
  void brk() {
    ArmedOp op = arm();
    // brk(0) and brk(current) query the break without moving it: safe beside malloc.
    long current = TestLibC.INSTANCE.syscall(TestLibC.SYS_BRK, 0L);
    long again = TestLibC.INSTANCE.syscall(TestLibC.SYS_BRK, current);
    SlotCounters c = op.disarm();

    List<SyscallRecord> r = recordsOf(op, SyscallRecord.Syscall.BRK);
    assertEquals(2, r.size(), r.toString());
    assertEquals(SyscallRecord.Syscall.BRK, r.get(0).syscall());
    assertArrayEquals(new long[] {0}, r.get(0).args());
    assertEquals(current, r.get(0).ret());
    assertArrayEquals(new long[] {current}, r.get(1).args());
    assertEquals(again, r.get(1).ret());
    assertEquals(current, again);
    assertEquals(2, c.brkCount, c.toString());
  }
}
