package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Compiling the probe never redirects the process's stderr: fd 2 is the application's, and a JVM
 * that exits mid-compile would otherwise lose whatever it printed meanwhile (the agent's own exit
 * lines among it). Another thread watches fd 2 for the whole of a real load.
 */
class StderrUntouchedTest {

  @Test
  void fdTwoPointsWhereItDidThroughoutACompile() throws Exception {
    BpfRequirement.assumeAvailable();
    Path fd2 = Path.of("/proc/self/fd/2");
    String before = Files.readSymbolicLink(fd2).toString();
    Set<String> seen = new TreeSet<>();
    AtomicBoolean loading = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (loading.get()) {
        try {
          seen.add(Files.readSymbolicLink(fd2).toString());
        } catch (Exception e) {
          seen.add("unreadable: " + e);
        }
      }
    }, "fd2-watcher");
    watcher.start();
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults())) {
      assertEquals("bcc", probe.source());
    } finally {
      loading.set(false);
      watcher.join();
    }
    assertTrue(!seen.isEmpty(), "the watcher never read fd 2");
    assertEquals(Set.of(before), seen, "fd 2 was redirected during the compile");
  }
}
