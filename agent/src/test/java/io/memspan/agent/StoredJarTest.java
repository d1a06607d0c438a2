package io.memspan.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredJarTest {
  @Test
  void theJdkReadsItBack(@TempDir Path dir) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("io/memspan/agent/boot/MemspanHooks.class", new byte[] {(byte) 0xca, (byte) 0xfe,
        1, 2, 3});
    byte[] big = new byte[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    entries.put("io/memspan/agent/boot/HookSink.class", big);
    Path jar = dir.resolve("hooks.jar");
    Files.write(jar, StoredJar.of(entries));
    try (JarFile jf = new JarFile(jar.toFile())) {
      List<JarEntry> read = Collections.list(jf.entries());
      assertEquals(List.copyOf(entries.keySet()), read.stream().map(JarEntry::getName).toList());
      for (JarEntry e : read) {
        assertArrayEquals(entries.get(e.getName()), jf.getInputStream(e).readAllBytes());
      }
    }
  }
}
