package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A slot handed to a new thread starts from zero, whatever its previous owner left in it. */
class SlotReuseTest {

  @Test
  void claimZeroesWhatTheKernelLeftInAFreeSlot() throws Exception {
    int fd = LibC.memfd_create("memspan-slot-reuse-test", 0);
    assertTrue(fd >= 0, LibC.lastError());
    try {
      int page = LibC.getpagesize();
      Files.write(Path.of("/proc/self/fd/" + fd), new byte[page]);
      Pointer raw = LibC.map(fd, page, LibC.PROT_READ | LibC.PROT_WRITE, 0, "test slots");
      int tid = LibC.gettid();
      int base = (tid & 7) * SlotLayout.SIZE;
      // What a dying owner's last faults leave behind in a slot whose tid is already 0.
      raw.setLong(base + SlotLayout.IDLE + SlotLayout.C_USER_FAULTS, 4242);
      raw.setLong(base + SlotLayout.IDLE + SlotLayout.C_MUNMAP_COUNT, 3);
      raw.setLong(base + SlotLayout.OP + SlotLayout.C_USER_FAULTS, 17);
      raw.setInt(base + SlotLayout.FAULT_ADDR_COUNT, 5);
      try (SlotTable table = new SlotTable(fd, 8)) {
        BccSlot slot = table.claim(tid, Thread.currentThread());
        assertNotNull(slot);
        assertEquals(tid & 7, slot.index);
        SlotCounters idle = new SlotCounters();
        slot.readIdle(idle);
        assertEquals(0, idle.userFaults, idle.toString());
        assertEquals(0, idle.munmapCount, idle.toString());
        SlotCounters op = new SlotCounters();
        slot.readOp(op);
        assertEquals(0, op.userFaults, op.toString());
        assertEquals(0, slot.readFaultAddresses(new long[16]));
        assertEquals(tid, raw.getInt(base + SlotLayout.TID));
      } finally {
        LibC.munmap(raw, page);
      }
    } finally {
      LibC.close(fd);
    }
  }

  @Test
  void nextOwnerOfAnEndedThreadsSlotStartsAtZero() throws Exception {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults().withSlots(1))) {
      AtomicReference<SlotCounters> firstIdle = new AtomicReference<>();
      int[] first = new int[2];
      Thread owner = new Thread(() -> {
        BccSlot slot = (BccSlot) probe.claimCurrentThread();
        first[0] = slot.tid();
        first[1] = slot.index;
        TestLibC.mapTouchAndUnmap(4 << 20); // into its idle counters
        SlotCounters c = new SlotCounters();
        slot.readIdle(c);
        firstIdle.set(c);
      });
      owner.start();
      owner.join();
      assertTrue(firstIdle.get().userFaults >= 1024, firstIdle.get().toString());
      assertTrue(firstIdle.get().munmapCount >= 1, firstIdle.get().toString());
      Path task = Path.of("/proc/self/task", Integer.toString(first[0]));
      for (int i = 0; i < 500 && Files.exists(task); i++) {
        Thread.sleep(10);
      }

      AtomicReference<Object> second = new AtomicReference<>();
      Thread next = new Thread(() -> {
        ThreadSlot slot = probe.claimCurrentThread();
        if (!(slot instanceof BccSlot)) {
          second.set("no slot: " + slot);
          return;
        }
        SlotCounters c = new SlotCounters();
        slot.readIdle(c);
        second.set(new Object[] {((BccSlot) slot).index, c});
      });
      next.start();
      next.join();
      assertTrue(second.get() instanceof Object[], String.valueOf(second.get()));
      Object[] got = (Object[]) second.get();
      assertEquals(first[1], got[0], "the only slot was handed on");
      SlotCounters idle = (SlotCounters) got[1];
      assertEquals(0, idle.mmapCount, idle.toString());
      assertEquals(0, idle.munmapCount, idle.toString());
      assertEquals(0, idle.madviseCount, idle.toString());
      // Only the new thread's own few faults between claim and read, not its predecessor's 1024.
      assertTrue(idle.userFaults < 64, idle.toString());
    }
  }
}
