package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader's bookkeeping on a ring laid out as the kernel lays out BPF_MAP_TYPE_RINGBUF (consumer
 * page, producer page, data), in a memfd, so records the kernel never writes can be placed in it.
 */
class RingBufferReaderTest {
  private static final int RING = 4096;
  private static final int RECORD = (EventLayout.SIZE + RingBufferReader.HEADER_SIZE + 7) & ~7;

  @Test
  void aThrowingSinkKeepsWhatItWasHandedAndNothingIsRedelivered() throws Exception {
    try (FakeRing ring = new FakeRing(1, 2, 3, 4)) {
      List<Long> seen = new ArrayList<>();
      RuntimeException boom = assertThrows(RuntimeException.class, () -> ring.reader.poll(r -> {
        seen.add(r.opId());
        if (r.opId() == 2) {
          throw new IllegalStateException("sink failed");
        }
      }));
      assertEquals("sink failed", boom.getMessage());
      assertEquals(List.of(1L, 2L), seen);
      assertEquals(2, ring.reader.delivered(), "records handed over count as delivered");
      assertEquals(2L * RECORD, ring.consumerPosition(), "their space was released");

      assertEquals(2, ring.reader.poll(r -> seen.add(r.opId())));
      assertEquals(List.of(1L, 2L, 3L, 4L), seen, "no record handed over twice");
      assertEquals(4, ring.reader.delivered());
    }
  }

  @Test
  void anUnknownKindIsCountedAndSkippedNotDecodedAsMmap() throws Exception {
    try (FakeRing ring = new FakeRing(1, -99, 3)) {
      List<SyscallRecord> seen = new ArrayList<>();
      assertEquals(2, ring.reader.poll(seen::add));
      assertEquals(2, seen.size(), seen.toString());
      assertEquals(1L, seen.get(0).opId());
      assertEquals(3L, seen.get(1).opId());
      assertEquals(1, ring.reader.unreadable());
      assertEquals(2, ring.reader.delivered());
      assertEquals(3L * RECORD, ring.consumerPosition());
    }
  }

  /** Records with op ids 1..n; a negative entry writes a record of kind 99 (none known). */
  private static final class FakeRing implements AutoCloseable {
    final int fd;
    final RingBufferReader reader;
    private final int page = LibC.getpagesize();

    FakeRing(long... ops) throws Exception {
      fd = LibC.memfd_create("memspan-ring-test", 0);
      assertTrue(fd >= 0, LibC.lastError());
      ByteBuffer file = ByteBuffer.allocate(2 * page + 2 * RING).order(ByteOrder.nativeOrder());
      int at = 0;
      for (long op : ops) {
        int rec = 2 * page + at;
        file.putInt(rec, EventLayout.SIZE);
        int body = rec + RingBufferReader.HEADER_SIZE;
        file.putInt(body + EventLayout.KIND, op < 0 ? 99 : SyscallRecord.Syscall.MMAP.ordinal() + 1);
        file.putInt(body + EventLayout.TID, 7);
        file.putLong(body + EventLayout.OP_ID, Math.abs(op));
        at += RECORD;
      }
      file.putLong(page, at);
      Files.write(Path.of("/proc/self/fd/" + fd), file.array());
      reader = new RingBufferReader(fd, RING);
    }

    long consumerPosition() throws Exception {
      return ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/fd/" + fd)))
          .order(ByteOrder.nativeOrder()).getLong(0);
    }

    @Override
    public void close() {
      reader.close();
      LibC.close(fd);
    }
  }
}
