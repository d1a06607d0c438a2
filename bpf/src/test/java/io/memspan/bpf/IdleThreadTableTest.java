package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The idle-thread table read with our own bpf() calls, on a real kernel hash map laid out as the
 * program's {@code idle_threads}: exact values per tid, ended threads dropped after their last
 * visit, and no libbcc in a process that only reads it.
 */
class IdleThreadTableTest {
  static final int PID = (int) ProcessHandle.current().pid();

  /** A hash map like {@code idle_threads}, made without libbcc. */
  static int idleThreadsMap() {
    int fd = BpfMaps.create(BpfMaps.BPF_MAP_TYPE_HASH, 4, SlotLayout.COUNTERS_SIZE, 16, 0);
    assertTrue(fd >= 0, "BPF_MAP_CREATE: errno " + -fd);
    return fd;
  }

  /** Stores counters {@code first, first+1, ...} in layout order for {@code tid}. */
  static void put(int fd, int tid, long first) {
    try (Memory key = new Memory(4); Memory value = new Memory(SlotLayout.COUNTERS_SIZE)) {
      key.setInt(0, tid);
      for (int at = 0; at < SlotLayout.COUNTERS_SIZE; at += 8) {
        value.setLong(at, first + at / 8);
      }
      assertEquals(0, BpfMaps.update(fd, key, value), "BPF_MAP_UPDATE_ELEM");
    }
  }

  static Map<Integer, String> visit(IdleThreadTable table) {
    Map<Integer, String> seen = new TreeMap<>();
    table.forEach((tid, c) -> seen.put(tid, c.toString()), new SlotCounters());
    return seen;
  }

  @Test
  void readsEachThreadExactlyAndDropsEndedThreadsAfterTheirLastVisit() throws Exception {
    BpfRequirement.assumeAvailable();
    int[] ended = new int[1];
    Thread t = new Thread(() -> ended[0] = LibC.gettid());
    t.start();
    t.join();
    Path task = Path.of("/proc/self/task", Integer.toString(ended[0]));
    for (int i = 0; i < 500 && Files.exists(task); i++) {
      Thread.sleep(10); // join() returns before the native thread has exited
    }
    int live = LibC.gettid();
    int fd = idleThreadsMap();
    try {
      put(fd, live, 1);
      put(fd, ended[0], 101);
      IdleThreadTable table = new IdleThreadTable(fd, PID);

      // Every field from its own offset: a swapped offset shows as a swapped number.
      assertEquals(Map.of(
          live, "faults=1+2k mmap=3/4B munmap=5/6B mremap=7 brk=8 madvise=9",
          ended[0], "faults=101+102k mmap=103/104B munmap=105/106B mremap=107 brk=108 madvise=109"),
          visit(table));
      assertEquals(Set.of(live), visit(table).keySet(), "the ended thread was reported once");
      try (Memory key = new Memory(4); Memory value = new Memory(SlotLayout.COUNTERS_SIZE)) {
        key.setInt(0, ended[0]);
        assertEquals(-2, BpfMaps.lookup(fd, key, value), "ENOENT: deleted from the kernel's map");
      }
    } finally {
      LibC.close(fd);
    }
  }

  @Test
  void readingTheTableLoadsNoLibbcc() throws Exception {
    BpfRequirement.assumeAvailable();
    String cp = String.join(":", codeSource(IdleThreadTable.class), codeSource(Native.class),
        codeSource(IdleThreadTableMain.class));
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", cp, IdleThreadTableMain.class.getName())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
    assertEquals(List.of("RESULT visited=faults=11+12k mmap=13/14B munmap=15/16B mremap=17 brk=18"
        + " madvise=19 libbcc=false"), lines, out);
  }

  private static String codeSource(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
