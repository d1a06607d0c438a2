package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache file format and the directory rules, without a kernel. */
class CacheEntryTest {
  static final byte[] KEY = key(7);

  static byte[] key(int seed) {
    byte[] k = new byte[CacheEntry.KEY_BYTES];
    Arrays.fill(k, (byte) seed);
    return k;
  }

  /** Every required map; each function loads map i % 5 into r1, then exits. */
  static CompiledProgram program() {
    List<CompiledProgram.MapSpec> maps = new ArrayList<>();
    for (String name : CachedProgram.REQUIRED_MAPS) {
      maps.add(new CompiledProgram.MapSpec(name, BpfMaps.BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
    }
    List<CompiledProgram.FunctionCode> functions = new ArrayList<>();
    for (int i = 0; i < Tracepoint.ALL.size(); i++) {
      Tracepoint tp = Tracepoint.ALL.get(i);
      byte[] insns = new byte[24];
      insns[0] = CompiledProgram.LD_IMM64;
      insns[1] = (byte) (CompiledProgram.PSEUDO_MAP_FD << 4 | 1);
      insns[4] = 42; // an fd of the compiling process
      insns[16] = (byte) 0x95;
      int[] relocs = CompiledProgram.unlink(tp.functionName(), insns, new int[] {9, 42});
      assertArrayEquals(new int[] {0, 1}, relocs);
      assertEquals(0, insns[4], "the fd is not kept");
      functions.add(new CompiledProgram.FunctionCode(tp.functionName(), tp.programType(), insns,
          relocs));
    }
    return new CompiledProgram("GPL", 0, maps, functions);
  }

  @Test
  void roundTripsAndLinksToNewFds() throws Exception {
    CompiledProgram p = program();
    CompiledProgram read = CacheEntry.read(CacheEntry.write(KEY, p), KEY);
    assertEquals(p, read);
    byte[] linked = read.functions().get(3).linkedTo(new int[] {100, 0x01020304});
    assertEquals(0x04, linked[4]);
    assertEquals(0x01, linked[7]);
  }

  @Test
  void everyDamageIsNamed() {
    byte[] good = CacheEntry.write(KEY, program());
    assertEquals("written for another key",
        assertThrows(CacheEntry.Invalid.class, () -> CacheEntry.read(good, key(8))).getMessage());
    for (int at : new int[] {0, 5, 20, good.length / 2, good.length - 1}) {
      byte[] flipped = good.clone();
      flipped[at] ^= 0x10;
      assertEquals("checksum mismatch (corrupt or tampered)", assertThrows(
          CacheEntry.Invalid.class, () -> CacheEntry.read(flipped, KEY)).getMessage(), "at " + at);
    }
    byte[] cut = Arrays.copyOf(good, 40);
    assertTrue(assertThrows(CacheEntry.Invalid.class, () -> CacheEntry.read(cut, KEY))
        .getMessage().startsWith("truncated"));
  }

  @Test
  void aRelocationThatIsNoMapLoadIsRefusedEvenWithAGoodChecksum() {
    CompiledProgram p = program();
    List<CompiledProgram.FunctionCode> fs = new ArrayList<>(p.functions());
    CompiledProgram.FunctionCode f = fs.get(0);
    fs.set(0, new CompiledProgram.FunctionCode(f.name(), f.progType(), f.insns(), new int[] {2, 0}));
    byte[] bytes = CacheEntry.write(KEY, new CompiledProgram("GPL", 0, p.maps(), fs));
    assertEquals("inconsistent: " + f.name() + " relocation 0 is not a map reference",
        assertThrows(CacheEntry.Invalid.class, () -> CacheEntry.read(bytes, KEY)).getMessage());
  }

  @Test
  void otherPseudoImmediatesAreNotCacheable() {
    byte[] insns = new byte[16];
    insns[0] = CompiledProgram.LD_IMM64;
    insns[1] = (byte) (2 << 4); // BPF_PSEUDO_MAP_VALUE
    assertTrue(assertThrows(IllegalStateException.class,
        () -> CompiledProgram.unlink("f", insns, new int[0])).getMessage().contains("kind 2"));
  }

  @Test
  void defaultDirectories() {
    assertEquals(Path.of("/var/cache/memspan/bpf"),
        CompileCache.defaultDir(0, Map.of("XDG_CACHE_HOME", "/x"), "/root"));
    assertEquals(Path.of("/x/memspan/bpf"),
        CompileCache.defaultDir(1000, Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
    assertEquals(Path.of("/home/u/.cache/memspan/bpf"),
        CompileCache.defaultDir(1000, Map.of(), "/home/u"));
    assertEquals(Path.of("/home/u/.cache/memspan/bpf"),
        CompileCache.defaultDir(1000, Map.of("XDG_CACHE_HOME", "relative"), "/home/u"));
    assertEquals(null, CompileCache.defaultDir(1000, Map.of(), "?"), "no home: no cache");
  }

  @Test
  void settings() {
    assertEquals(null, ProbeOptions.defaults().withCache("off").cacheDir());
    assertEquals(ProbeOptions.defaultCacheDir(), ProbeOptions.defaults().withCache("").cacheDir());
    assertEquals(Path.of("/srv/c"), ProbeOptions.defaults().withCache("/srv/c").cacheDir());
    assertEquals("the eBPF compile cache must be off, default or an absolute directory, got"
        + " 'tmp/c'", assertThrows(IllegalArgumentException.class,
        () -> ProbeOptions.defaults().withCache("tmp/c")).getMessage());
  }

  @Test
  void storeCreatesAPrivateDirectoryAndLookupFindsTheEntry(@TempDir Path root) throws Exception {
    Path dir = root.resolve("a/b");
    CompileCache cache = new CompileCache(dir, CompileCache.euid());
    assertTrue(cache.lookup(KEY).reason().startsWith("miss: no entry for key 070707070707"),
        cache.lookup(KEY).reason());
    assertEquals("written", cache.store(KEY, program()));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())));
    CompileCache.Lookup hit = cache.lookup(KEY);
    assertEquals("hit", hit.reason());
    assertEquals(program(), hit.program());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  @Test
  void untrustedPlacesAreRefusedWithTheReason(@TempDir Path root) throws Exception {
    Path open = Files.createDirectory(root.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    CompileCache below = new CompileCache(open.resolve("cache"), CompileCache.euid());
    assertEquals("not used: " + open + " (above the cache) is writable by group and others and"
        + " not sticky", below.lookup(KEY).reason());
    assertTrue(below.store(KEY, program()).startsWith("not written: " + open));

    Path dir = Files.createDirectory(root.resolve("ok"));
    CompileCache cache = new CompileCache(dir, CompileCache.euid());
    cache.store(KEY, program());
    Path entry = dir.resolve(java.util.HexFormat.of().formatHex(KEY) + CompileCache.SUFFIX);
    Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertEquals("not used: " + entry + " is writable by group and others",
        cache.lookup(KEY).reason());
    Files.delete(entry);
    Path elsewhere = Files.write(root.resolve("x"), CacheEntry.write(KEY, program()));
    Files.createSymbolicLink(entry, elsewhere);
    assertEquals("not used: " + entry + " is not a regular file", cache.lookup(KEY).reason());
    assertEquals("not used: cache directory rel is not an absolute path",
        new CompileCache(Path.of("rel"), 0).lookup(KEY).reason());
  }
}
