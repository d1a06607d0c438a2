package io.memspan.bpf;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code idle_threads} hash: counters per tid of threads that hold no slot (GC, JIT, ...).
 * Read with bpf() syscalls of our own ({@link BpfMaps}), which is fine for a periodic report and
 * needs no libbcc: a process handed the map's fd never loads LLVM for it. Entries of ended threads
 * are deleted after their final values were visited, which keeps the bounded table from filling up.
 */
final class IdleThreadTable {
  private final int mapFd;
  private final int pid;

  /** @param pid the process whose threads the table counts: ended threads are looked up there */
  IdleThreadTable(int mapFd, int pid) {
    this.mapFd = mapFd;
    this.pid = pid;
  }

  void forEach(MemoryProbe.IdleThreadVisitor visitor, SlotCounters scratch) {
    Memory key = new Memory(4);
    Memory next = new Memory(4);
    Memory value = new Memory(SlotLayout.COUNTERS_SIZE);
    ByteBuffer counters = value.getByteBuffer(0, SlotLayout.COUNTERS_SIZE);
    List<Integer> tids = new ArrayList<>();
    boolean first = true;
    while (BpfMaps.nextKey(mapFd, first ? null : key, next) == 0) {
      first = false;
      int tid = next.getInt(0);
      tids.add(tid);
      key.setInt(0, tid);
      if (tids.size() > 1 << 20) {
        break; // a table being rewritten under us; what we have is enough for this round
      }
    }
    for (int tid : tids) {
      key.setInt(0, tid);
      if (BpfMaps.lookup(mapFd, key, value) != 0) {
        continue;
      }
      SlotLayout.readCounters(counters, 0, scratch);
      boolean ended = !Files.exists(Path.of("/proc", Integer.toString(pid), "task",
          Integer.toString(tid)));
      visitor.visit(tid, scratch);
      if (ended) {
        BpfMaps.delete(mapFd, key);
      }
    }
  }
}
