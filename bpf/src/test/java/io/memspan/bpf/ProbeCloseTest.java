package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** close() detaches every tracepoint, unmaps every map and closes every fd it opened. */
class ProbeCloseTest {

  /** Kernel objects among this process's fds, by kind: bpf-map, bpf-prog, bpf_link, [perf_event]. */
  static Map<String, Integer> bpfFds() throws IOException {
    Map<String, Integer> kinds = new TreeMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.collect(Collectors.toList())) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // the directory stream's own fd, gone by now
        }
        if (target.contains("bpf") || target.contains("perf_event")) {
          kinds.merge(target, 1, Integer::sum);
        }
      }
    }
    return kinds;
  }

  /** Mappings of BPF maps (not of libbpf.so, which a compile loads with libbcc). */
  static List<String> bpfMappings() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.contains("anon_inode:bpf")).collect(Collectors.toList());
  }

  /** Compiled (cache off) and loaded from a warm cache: each leaves nothing behind. */
  @ParameterizedTest
  @EnumSource(LoadReport.Origin.class)
  void closeLeavesNothingBehind(LoadReport.Origin origin, @TempDir Path cache) throws IOException {
    BpfRequirement.assumeAvailable();
    ProbeOptions options = origin == LoadReport.Origin.COMPILED
        ? ProbeOptions.defaults().withCache("off") : ProbeOptions.defaults().withCacheDir(cache);
    if (origin == LoadReport.Origin.CACHED) {
      Probes.load(options).close(); // compiles and writes the entry
    }
    Map<String, Integer> fdsBefore = bpfFds();
    List<String> mapsBefore = bpfMappings();

    MemoryProbe probe = Probes.load(options);
    assertEquals(origin, ((BccProbe) probe).loadReport().origin());
    ThreadSlot slot = probe.claimCurrentThread();
    slot.arm(77);
    for (int i = 0; i < 3; i++) {
      TestLibC.INSTANCE.munmap(TestLibC.mapAnonymous(1 << 20), 1 << 20);
    }
    slot.disarm();
    long polled = Probes.drain(probe).size();
    slot.arm(78);
    TestLibC.INSTANCE.munmap(TestLibC.mapAnonymous(1 << 20), 1 << 20); // left in the ring
    slot.disarm();
    Map<String, Integer> fdsOpen = bpfFds();
    List<String> mapsOpen = bpfMappings();
    // 10 syscall tracepoints through perf events, 2 fault raw tracepoints through bpf links,
    // 4 maps; the slots, stats and ring mapped (ring twice).
    assertEquals(10, fdsOpen.getOrDefault("anon_inode:[perf_event]", 0)
        - fdsBefore.getOrDefault("anon_inode:[perf_event]", 0), fdsOpen.toString());
    assertEquals(2, fdsOpen.getOrDefault("anon_inode:bpf_link", 0)
        - fdsBefore.getOrDefault("anon_inode:bpf_link", 0), fdsOpen.toString());
    assertEquals(4, fdsOpen.getOrDefault("anon_inode:bpf-map", 0)
        - fdsBefore.getOrDefault("anon_inode:bpf-map", 0), fdsOpen.toString());
    assertEquals(4, mapsOpen.size() - mapsBefore.size(), mapsOpen.toString());

    probe.close();
    assertEquals(fdsBefore, bpfFds());
    assertEquals(mapsBefore, bpfMappings());

    // A thread that kept its slot may still arm it after close: harmless, counts nothing.
    slot.arm(5);
    slot.disarm();
    SlotCounters c = new SlotCounters();
    slot.readOp(c);
    assertEquals(0, c.faults() + c.mmapCount, c.toString());
    probe.close(); // idempotent
    // The counters as they stood at close, consistent: nothing went negative or vanished.
    ProbeStats after = probe.stats();
    assertEquals(polled, after.recordsDelivered(), after.toString());
    assertTrue(after.recordsGenerated() >= polled + 2, after.toString());
    assertTrue(after.recordsPending() >= 2, "the unpolled mmap and munmap: " + after);
    assertEquals(after.recordsGenerated(),
        after.recordsDelivered() + after.recordsLost() + after.recordsPending());
    assertEquals(0, after.slotsInUse(), "the slots were retired");
    assertEquals(after, probe.stats(), "a snapshot: stable after close");
  }
}
