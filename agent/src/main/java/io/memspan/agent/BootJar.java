package io.memspan.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.io.File;
import java.io.FileOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarFile;

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
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ClassLoader own = BootJar.class.getClassLoader();
    for (String name : CLASSES) {
      try (InputStream in = own.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException(name + " is missing from the agent jar");
        }
        entries.put(name, in.readAllBytes());
      }
    }
    // Neither Files.createTempFile (its SecureRandom), ProcessHandle (its reaper pool), NIO
    // channels nor string concatenation (an invokedynamic bootstrap): each costs premain tens of
    // ms at first use. A name another JVM took just means trying the next one.
    byte[] bytes = StoredJar.of(entries);
    File dir = new File(System.getProperty("java.io.tmpdir"));
    File jar = null;
    for (int attempt = 0; jar == null; attempt++) {
      File candidate = new File(dir,
          "memspan-hooks-".concat(Long.toString(System.nanoTime())).concat(".jar"));
      if (candidate.createNewFile()) {
        jar = candidate;
      } else if (attempt > 100) {
        throw new IOException("cannot create a file in ".concat(dir.toString()));
      }
    }
    try (FileOutputStream out = new FileOutputStream(jar)) {
      out.write(bytes);
    }
    jar.deleteOnExit();
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    Class<?> hooks = Class.forName(HOOKS, true, null);
    if (hooks.getClassLoader() != null) {
      throw new IllegalStateException(HOOKS + " was loaded by " + hooks.getClassLoader()
          + " before the bootstrap jar was appended");
    }
    return hooks;
  }
}
