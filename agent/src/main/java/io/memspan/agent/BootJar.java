package io.memspan.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the hook classes on the bootstrap class path, where instrumented JDK code can see them, and
 * initializes them at once: loaded lazily from inside {@code ArrayList.grow}, they would make the
 * JVM grow an ArrayList while loading them and fail with {@code ClassCircularityError}.
 */
final class BootJar {
  static final String HOOKS = "io.memspan.agent.boot.MemspanHooks";
  private static final String[] CLASSES = {
    "io/memspan/agent/boot/MemspanHooks.class", "io/memspan/agent/boot/HookSink.class"};

  private BootJar() {}

  static Class<?> install(Instrumentation inst) throws IOException, ClassNotFoundException {
    // Not Files.createTempFile: seeding its SecureRandom costs premain tens to hundreds of ms.
    Path jar = Path.of(System.getProperty("java.io.tmpdir"), "memspan-hooks-"
        + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jar");
    Files.createFile(jar);
    jar.toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      ClassLoader own = BootJar.class.getClassLoader();
      for (String name : CLASSES) {
        try (InputStream in = own.getResourceAsStream(name)) {
          if (in == null) {
            throw new IOException(name + " is missing from the agent jar");
          }
          out.putNextEntry(new JarEntry(name));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    Class<?> hooks = Class.forName(HOOKS, true, null);
    if (hooks.getClassLoader() != null) {
      throw new IllegalStateException(HOOKS + " was loaded by " + hooks.getClassLoader()
          + " before the bootstrap jar was appended");
    }
    return hooks;
  }
}
