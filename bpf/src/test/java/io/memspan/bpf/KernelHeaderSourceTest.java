package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe's preflight accepts exactly the kernel headers libbcc 0.26 can use (as doctor does). */
class KernelHeaderSourceTest {
  private static final String RELEASE = "6.18.44-fc-v445";

  @Test
  void buildTreeThenKheadersArchiveThenNothing(@TempDir Path root) throws Exception {
    Path modules = root.resolve("lib/modules");
    Path kheaders = root.resolve("kheaders.tar.xz");

    assertNull(KernelHeaderSource.find(modules, kheaders, RELEASE));
    ProbeUnavailableException e = assertThrows(ProbeUnavailableException.class,
        () -> BccPreflight.kernelHeaders(modules, kheaders, RELEASE));
    assertEquals(ProbeUnavailableException.Missing.KERNEL_HEADERS, e.missing());
    assertTrue(e.getMessage().contains("modprobe kheaders"), e.getMessage());
    assertTrue(e.getMessage().contains(kheaders.toString()), e.getMessage());

    // Only the in-kernel archive (CONFIG_IKHEADERS): libbcc extracts it, so the probe loads.
    Files.writeString(kheaders, "");
    assertEquals(kheaders, KernelHeaderSource.find(modules, kheaders, RELEASE));
    assertDoesNotThrow(() -> BccPreflight.kernelHeaders(modules, kheaders, RELEASE));

    Path build = modules.resolve(RELEASE).resolve("build");
    Files.createDirectories(build.resolve("include"));
    assertEquals(build, KernelHeaderSource.find(modules, kheaders, RELEASE));
  }
}
