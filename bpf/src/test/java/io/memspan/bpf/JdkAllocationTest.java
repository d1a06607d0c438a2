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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What JDK operations cost the memory system, as the probe sees it. */
class JdkAllocationTest {
  static final int MIB_64 = 64 << 20;
  @RegisterExtension
  static final BccProbeExtension bcc = new BccProbeExtension();

  @Test
  void allocateDirectIsOneMmapAndAFaultPerPage() throws IOException {
    // malloc's mapping gets no MADV_NOHUGEPAGE; on a transparent_hugepage=always host it would be
    // faulted 2 MiB at a time. THP off for this test JVM keeps the count one fault per 4 KiB page.
    assertEquals(0, TestLibC.INSTANCE.prctl(TestLibC.PR_SET_THP_DISABLE, 1, 0, 0, 0));
    ThreadSlot slot = bcc.slot();
    ByteBuffer.allocateDirect(1 << 20); // loads and links the direct-buffer classes first

    ArmedOp op = ArmedOp.arm(slot, 77);
    ByteBuffer buffer = ByteBuffer.allocateDirect(MIB_64);
    SlotCounters c = op.disarm();

    assertEquals(1, c.mmapCount, c.toString());
    // malloc adds its chunk header and rounds up to a page: 64 MiB + one page.
    assertTrue(c.mmapBytes >= MIB_64 && c.mmapBytes <= MIB_64 + 65536, c.toString());
    // allocateDirect zeroes the memory: one fault per page.
    assertEquals(16384, c.userFaults, 32, c.toString());
    List<SyscallRecord> mmaps = op.records(bcc.drain()).stream()
        .filter(r -> r.syscall() == SyscallRecord.Syscall.MMAP).collect(Collectors.toList());
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
    ThreadSlot slot = bcc.slot();
    Pointer fresh = TestLibC.mapAnonymous(size);
    TestLibC.INSTANCE.madvise(fresh, size, TestLibC.MADV_NOHUGEPAGE);
    ByteBuffer target = fresh.getByteBuffer(0, size);
    SlotCounters c;

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // The first read on a thread sets up the JDK's native I/O state (which mmaps on its own);
      // warm that up so the armed op holds only the read's own cost.
      ByteBuffer warm = ByteBuffer.allocateDirect(4096);
      ch.read(warm, 0);
      ArmedOp op = ArmedOp.arm(slot, 88);
      int read = 0;
      while (target.hasRemaining() && read >= 0) {
        read = ch.read(target);
      }
      c = op.disarm();
    }

    assertEquals(size, target.position());
    // read() copies into pages nobody touched yet: the kernel faults each one in.
    assertEquals(size / 4096, c.kernelFaults, 2, c.toString());
    assertEquals(0, c.mmapCount, c + " " + bcc.drain());
    TestLibC.INSTANCE.munmap(fresh, size);
  }
}
