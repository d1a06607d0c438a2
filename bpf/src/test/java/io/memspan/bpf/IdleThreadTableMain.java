package io.memspan.bpf;

import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link IdleThreadTableTest}: reads an idle-thread table holding its own tid and
 * prints one {@code RESULT} line with what it visited and whether libbcc got mapped. No JUnit:
 * only the bpf classes, JNA and this class are on its class path.
 */
public final class IdleThreadTableMain {
  private IdleThreadTableMain() {}

  public static void main(String[] args) throws Exception {
    int fd = BpfMaps.create(BpfMaps.BPF_MAP_TYPE_HASH, 4, SlotLayout.COUNTERS_SIZE, 16, 0);
    if (fd < 0) {
      throw new IllegalStateException("BPF_MAP_CREATE: errno " + -fd);
    }
    try (Memory key = new Memory(4); Memory value = new Memory(SlotLayout.COUNTERS_SIZE)) {
      key.setInt(0, LibC.gettid());
      for (int at = 0; at < SlotLayout.COUNTERS_SIZE; at += 8) {
        value.setLong(at, 11 + at / 8);
      }
      if (BpfMaps.update(fd, key, value) != 0) {
        throw new IllegalStateException("BPF_MAP_UPDATE_ELEM failed");
      }
    }
    StringBuilder visited = new StringBuilder();
    new IdleThreadTable(fd, (int) ProcessHandle.current().pid())
        .forEach((tid, c) -> visited.append(c), new SlotCounters());
    boolean libbcc = Files.readString(Path.of("/proc/self/maps")).contains("libbcc");
    System.out.println("RESULT visited=" + visited + " libbcc=" + libbcc);
  }
}
