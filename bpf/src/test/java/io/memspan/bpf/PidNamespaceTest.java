package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a pid namespace of its own (as in a container), the probe filters and keys slots by the pids
 * that process sees, not the host's: a child JVM started with {@code unshare --pid --fork
 * --mount-proc} loads the probe and attributes a 16 MiB touch to its armed op.
 */
class PidNamespaceTest {

  /** Child: load (compile cache in args[0]), arm, map and touch 16 MiB, report as key=value lines. */
  public static void main(String[] args) throws Exception {
    try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults().withCacheDir(Path.of(args[0])))) {
      System.out.println("origin=" + ((BccProbe) probe).loadReport().origin());
      ThreadSlot slot = probe.claimCurrentThread();
      // Every call the armed op makes is made once before: a first call through a JNA proxy loads
      // classes, and class loading commits metaspace in 64 KiB mmaps that would land in the op.
      Pointer warm = TestLibC.mapAnonymous(1 << 20);
      TestLibC.INSTANCE.madvise(warm, 1 << 20, TestLibC.MADV_NOHUGEPAGE);
      TestLibC.touch(warm, 1 << 20);
      SlotCounters c = new SlotCounters();
      slot.arm(61);
      Pointer p = TestLibC.mapAnonymous(16 << 20);
      TestLibC.INSTANCE.madvise(p, 16 << 20, TestLibC.MADV_NOHUGEPAGE);
      TestLibC.touch(p, 16 << 20);
      slot.disarm();
      slot.readOp(c);
      List<SyscallRecord> records = new ArrayList<>();
      probe.poll(records::add);
      SyscallRecord mmap = records.stream().filter(r -> r.opId() == 61
          && r.syscall() == SyscallRecord.Syscall.MMAP && r.ret() == Pointer.nativeValue(p))
          .findFirst().orElse(null);
      // The JVM may map memory of its own on this thread meanwhile (metaspace): the counters must
      // equal the sum of the op's mmap records, and ours must be among them.
      long recordedBytes = records.stream().filter(r -> r.opId() == 61
          && r.syscall() == SyscallRecord.Syscall.MMAP && r.ret() > 0).mapToLong(r -> r.args()[1])
          .sum();
      System.out.println("recordLen=" + (mmap == null ? -1 : mmap.args()[1]));
      System.out.println("recordedBytes=" + recordedBytes);
      System.out.println("pid=" + ProcessHandle.current().pid());
      System.out.println("tid=" + slot.tid());
      System.out.println("mmapBytes=" + c.mmapBytes);
      System.out.println("userFaults=" + c.userFaults);
      System.out.println("recordTid=" + (mmap == null ? -1 : mmap.tid()));
      System.out.println("recordRetMatches=" + (mmap != null && mmap.ret() == Pointer.nativeValue(p)));
    } catch (ProbeUnavailableException e) {
      System.out.println("unavailable=" + e.getMessage());
    }
  }

  /**
   * Twice: the first child compiles (its namespace goes into the config map, not the code) and
   * writes the compile cache, the second loads from it.
   */
  @Test
  void attributesInsideAPidNamespace(@TempDir Path cache) throws Exception {
    Probes.assumeToolAsAdmin("unshare", "creating a pid namespace");
    for (String origin : List.of("COMPILED", "CACHED")) {
      attributesInsideAPidNamespace(cache, origin);
    }
  }

  private void attributesInsideAPidNamespace(Path cache, String origin) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc",
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(a -> a.startsWith("--enable-native-access")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        PidNamespaceTest.class.getName(), cache.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    Map<String, String> kv = new HashMap<>();
    out.lines().filter(l -> l.matches("^[A-Za-z]+=.*")).forEach(l -> {
      int eq = l.indexOf('=');
      kv.put(l.substring(0, eq), l.substring(eq + 1));
    });
    assertEquals(null, kv.get("unavailable"), out);
    assertEquals(origin, kv.get("origin"), out);
    assertEquals("1", kv.get("pid"), "the child is pid 1 of its namespace: " + out);
    assertEquals(String.valueOf(16 << 20), kv.get("recordLen"), out);
    assertEquals(kv.get("recordedBytes"), kv.get("mmapBytes"), out);
    assertEquals(4096, Long.parseLong(kv.get("userFaults")), 2, out);
    assertEquals(kv.get("tid"), kv.get("recordTid"), out);
    assertEquals("true", kv.get("recordRetMatches"), out);
  }
}
