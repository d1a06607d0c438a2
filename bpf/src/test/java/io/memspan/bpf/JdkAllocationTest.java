package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What JDK operations cost the memory system, as the probe sees it. */
class JdkAllocationTest {
  static final int MIB_64 = 64 << 20;
  static MemoryProbe probe;

  @BeforeAll
  static void load() {
    probe = Probes.load(ProbeOptions.defaults());
  }

  @AfterAll
  static void close() {
    if (probe != null) {
      probe.close();
    }
  }

  @Test
  void allocateDirectIsOneMmapAndAFaultPerPage() throws IOException {
    // malloc's mapping gets no MADV_NOHUGEPAGE; on a transparent_hugepage=always host it would be
    // faulted 2 MiB at a time. THP off for this test JVM keeps the count one fault per 4 KiB page.
    assertEquals(0, TestLibC.INSTANCE.prctl(TestLibC.PR_SET_THP_DISABLE, 1, 0, 0, 0));
    ThreadSlot slot = probe.claimCurrentThread();
    ByteBuffer.allocateDirect(1 << 20); // loads and links the direct-buffer classes first
    SlotCounters c = new SlotCounters();

    slot.arm(77);
    ByteBuffer buffer = ByteBuffer.allocateDirect(MIB_64);
    slot.disarm();
    slot.readOp(c);

    assertEquals(1, c.mmapCount, c.toString());
    // malloc adds its chunk header and rounds up to a page: 64 MiB + one page.
    assertTrue(c.mmapBytes >= MIB_64 && c.mmapBytes <= MIB_64 + 65536, c.toString());
    // allocateDirect zeroes the memory: one fault per page.
    assertEquals(16384, c.userFaults, 32, c.toString());
    List<SyscallRecord> mmaps = Probes.drain(probe).stream()
        .filter(r -> r.opId() == 77 && r.syscall() == SyscallRecord.Syscall.MMAP)
        .collect(Collectors.toList());
    assertEquals(1, mmaps.size(), mmaps.toString());
    assertEquals(c.mmapBytes, mmaps.get(0).args()[1]);
    assertEquals(MIB_64, buffer.capacity());
  }

  @Test
  void readIntoFreshMemoryFaultsInTheKernel(@TempDir Path dir) throws IOException {
    int size = 16 << 20;
    Path file = dir.resolve("data");
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    Files.write(file, data);
    ThreadSlot slot = probe.claimCurrentThread();
    Pointer fresh = TestLibC.mapAnonymous(size);
    TestLibC.INSTANCE.madvise(fresh, size, TestLibC.MADV_NOHUGEPAGE);
    ByteBuffer target = fresh.getByteBuffer(0, size);
    SlotCounters c = new SlotCounters();

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // The first read on a thread sets up the JDK's native I/O state (which mmaps on its own);
      // warm that up so the armed op holds only the read's own cost.
      ByteBuffer warm = ByteBuffer.allocateDirect(4096);
      ch.read(warm, 0);
      slot.arm(88);
      int read = 0;
      while (target.hasRemaining() && read >= 0) {
        read = ch.read(target);
      }
      slot.disarm();
    }
    slot.readOp(c);

    assertEquals(size, target.position());
    // read() copies into pages nobody touched yet: the kernel faults each one in.
    assertEquals(size / 4096, c.kernelFaults, 2, c.toString());
    List<SyscallRecord> ours = Probes.drain(probe).stream()
        .filter(r -> r.opId() == 88).collect(Collectors.toList());
    assertEquals(0, c.mmapCount, c + " " + ours);
    TestLibC.INSTANCE.munmap(fresh, size);
  }
}
