package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile cache on the real kernel: a probe loaded from the cache attributes exactly as a
 * compiled one, filters by tgid from the config map, and every untrusted, tampered or mismatched
 * entry falls back to compiling with the reason.
 */
class CompileCacheTest {
  static final long MIB_64 = 64L << 20;

  static BccProbe open(ProbeOptions options) {
    return (BccProbe) Probes.load(options);
  }

  static LoadReport openAndClose(ProbeOptions options) {
    try (BccProbe probe = open(options)) {
      return probe.loadReport();
    }
  }

  static Path entry(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> entries = files.filter(p -> p.toString().endsWith(CompileCache.SUFFIX)).toList();
      assertEquals(1, entries.size(), entries.toString());
      return entries.get(0);
    }
  }

  /** A cold cache compiles and writes; the next probe is a hit and attributes exactly. */
  @Test
  void aProbeFromTheCacheAttributesExactlyAsACompiledOne(@TempDir Path dir) throws Exception {
    ProbeOptions options = ProbeOptions.defaults().withCacheDir(dir);
    LoadReport cold = openAndClose(options);
    assertEquals(LoadReport.Origin.COMPILED, cold.origin(), cold.toString());
    assertTrue(cold.cache().startsWith("miss: no entry for key"), cold.cache());
    assertTrue(cold.cache().endsWith("; written"), cold.cache());
    assertTrue(cold.compileNanos() > 0, cold.toString());
    Path entry = entry(dir);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));

    try (BccProbe probe = open(options)) {
      LoadReport warm = probe.loadReport();
      assertEquals(LoadReport.Origin.CACHED, warm.origin(), warm.toString());
      assertEquals("hit", warm.cache());
      assertEquals(0, warm.compileNanos());
      assertEquals(dir, warm.cacheDir());

      TestLibC.mapTouchAndUnmap(MIB_64); // warm the JNA paths the op uses
      Probes.drain(probe);
      ThreadSlot slot = probe.claimCurrentThread();
      assertTrue(slot.tid() > 0, "a real slot");
      ArmedOp op = ArmedOp.arm(slot, 4242);
      Pointer p = TestLibC.mapAndTouch(MIB_64);
      SlotCounters c = op.disarm();
      ArmedOp.assertOneTouchedMapping(c, MIB_64); // 1 mmap of 67108864 bytes, 16384 ± 2 faults
      List<SyscallRecord> mmaps = op.records(Probes.drain(probe)).stream()
          .filter(r -> r.syscall() == SyscallRecord.Syscall.MMAP).toList();
      assertEquals(1, mmaps.size(), mmaps.toString());
      assertEquals(MIB_64, mmaps.get(0).args()[1]);
      assertEquals(4242, mmaps.get(0).opId());
      assertEquals(slot.tid(), mmaps.get(0).tid());
      assertEquals(Pointer.nativeValue(p), mmaps.get(0).ret());
      TestLibC.INSTANCE.munmap(p, MIB_64);
    }
  }

  @Test
  void aTamperedEntryIsRecompiledAndRewritten(@TempDir Path dir) throws Exception {
    ProbeOptions options = ProbeOptions.defaults().withSlots(64).withCacheDir(dir);
    openAndClose(options);
    Path entry = entry(dir);
    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length / 2] ^= 0x01; // one bit inside the instructions
    Files.write(entry, bytes);

    LoadReport tampered = openAndClose(options);
    assertEquals(LoadReport.Origin.COMPILED, tampered.origin(), tampered.toString());
    assertTrue(tampered.cache().contains("checksum mismatch"), tampered.cache());
    assertTrue(tampered.cache().endsWith("; written"), tampered.cache());
    assertEquals(LoadReport.Origin.CACHED, openAndClose(options).origin(), "rewritten intact");
  }

  @Test
  void anIntactEntryTheKernelRefusesFallsBackToCompiling(@TempDir Path dir) throws Exception {
    ProbeOptions options = ProbeOptions.defaults().withSlots(64).withCacheDir(dir);
    openAndClose(options);
    Path entry = entry(dir);
    byte[] key = CompileCache.key(BccProgram.source(), BccProgram.cflags(options));
    CompiledProgram good = CacheEntry.read(Files.readAllBytes(entry), key);
    // Checksum and key right, code wrong: the first function ends at once without setting r0.
    List<CompiledProgram.FunctionCode> functions = new ArrayList<>(good.functions());
    CompiledProgram.FunctionCode first = functions.get(0);
    byte[] exitOnly = new byte[8];
    exitOnly[0] = (byte) 0x95; // BPF_JMP | BPF_EXIT
    functions.set(0, new CompiledProgram.FunctionCode(first.name(), first.progType(), exitOnly,
        new int[0]));
    Files.write(entry, CacheEntry.write(key, new CompiledProgram(good.license(),
        good.kernVersion(), good.maps(), functions)));

    long failuresBefore = BccProgram.cachedLoadFailures();
    LoadReport refused = openAndClose(options);
    assertEquals(LoadReport.Origin.COMPILED, refused.origin(), refused.toString());
    assertTrue(refused.cache().startsWith("cached entry did not load (the kernel refused to load"
        + " cached " + first.name()), refused.cache());
    assertEquals(failuresBefore + 1, BccProgram.cachedLoadFailures());
    assertEquals(LoadReport.Origin.CACHED, openAndClose(options).origin(), "rewritten");
  }

  @Test
  void otherOptionsAreAnotherKey(@TempDir Path dir) throws Exception {
    LoadReport a = openAndClose(ProbeOptions.defaults().withSlots(64).withCacheDir(dir));
    LoadReport b = openAndClose(ProbeOptions.defaults().withSlots(128).withCacheDir(dir));
    assertEquals(LoadReport.Origin.COMPILED, a.origin());
    assertEquals(LoadReport.Origin.COMPILED, b.origin(), b.toString());
    assertTrue(b.cache().startsWith("miss: no entry for key"), b.cache());
    assertEquals(LoadReport.Origin.CACHED,
        openAndClose(ProbeOptions.defaults().withSlots(64).withCacheDir(dir)).origin());
  }

  @Test
  void aGroupWritableDirectoryIsNotUsed(@TempDir Path parent) throws Exception {
    Path dir = Files.createDirectory(parent.resolve("cache"));
    ProbeOptions options = ProbeOptions.defaults().withSlots(64).withCacheDir(dir);
    openAndClose(options);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    LoadReport r = openAndClose(options);
    assertEquals(LoadReport.Origin.COMPILED, r.origin(), r.toString());
    assertEquals("not used: " + dir + " is writable by its group (mode 770); chmod go-w it",
        r.cache(), "and nothing is written there");
  }

  @Test
  void aDirectoryOfAnotherUserIsNotUsed(@TempDir Path parent) throws Exception {
    BpfRequirement.assumeAvailable();
    BpfRequirement.assumeThat(ProcStatus.current().has(ProcStatus.CAP_CHOWN),
        "changing a directory's owner needs CAP_CHOWN");
    Path dir = Files.createDirectory(parent.resolve("cache"));
    ProbeOptions options = ProbeOptions.defaults().withSlots(64).withCacheDir(dir);
    openAndClose(options);
    Files.setAttribute(dir, "unix:uid", 65534);
    LoadReport r = openAndClose(options);
    assertEquals(LoadReport.Origin.COMPILED, r.origin(), r.toString());
    assertTrue(r.cache().startsWith("not used: " + dir + " is owned by uid 65534, not by this"
        + " process's euid " + CompileCache.euid()), r.cache());
  }

  @Test
  void offCompilesEveryTime() {
    LoadReport r = openAndClose(ProbeOptions.defaults().withSlots(64).withCache("off"));
    assertEquals(LoadReport.Origin.COMPILED, r.origin());
    assertEquals("compiled (compile cache off)", r.toString());
  }

  /** The traced tgid comes from the config map: a cached program still sees only its process. */
  @Test
  void theTgidFilterHoldsForCachedPrograms(@TempDir Path dir) throws Exception {
    ProbeOptions options = ProbeOptions.defaults().withCacheDir(dir);
    openAndClose(options);
    Process child = new ProcessBuilder("sh", "-c",
        "read go; exec dd if=/dev/zero of=/dev/null bs=64M count=2 status=none")
        .redirectErrorStream(true).start();
    try (BccProbe mine = open(options);
         BccProbe theirs = open(options.withPid((int) child.pid()))) {
      assertEquals(LoadReport.Origin.CACHED, mine.loadReport().origin());
      assertEquals(LoadReport.Origin.CACHED, theirs.loadReport().origin());
      Probes.drain(mine);
      try (OutputStream in = child.getOutputStream()) {
        in.write("go\n".getBytes());
      }
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "dd finished");
      assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
      List<SyscallRecord> ours = Probes.drain(mine);
      List<SyscallRecord> childs = Probes.drain(theirs);
      assertTrue(childs.stream().anyMatch(r -> TgidFilterTest.isChildMapping(r)
          && r.tid() == child.pid()), "the child's probe sees dd's buffer: " + childs);
      assertTrue(ours.stream().noneMatch(r -> r.tid() == child.pid()), ours.toString());
      assertTrue(ours.stream().noneMatch(TgidFilterTest::isChildMapping), ours.toString());
    } finally {
      child.destroyForcibly();
    }
  }
}
