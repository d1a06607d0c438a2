package io.memspan.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.io.File;
import java.io.FileOutputStream;
import io.memspan.agent.probe.Probes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * Puts the hook classes on the bootstrap class path, where instrumented JDK code can see them, and
 * initializes them at once: loaded lazily from inside {@code ArrayList.grow}, they would make the
 * JVM grow an ArrayList while loading them and fail with {@code ClassCircularityError}.
 */
final class BootJar {
  static final String HOOKS = "io.memspan.agent.boot.MemspanHooks";
  private static final String SINK = "io.memspan.agent.boot.HookSink";

  private BootJar() {}

  static Class<?> install(Instrumentation inst) throws IOException, ClassNotFoundException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ClassLoader own = BootJar.class.getClassLoader();
    List<String> classes = new ArrayList<>(List.of(HOOKS, SINK));
    classes.addAll(Probes.HOOK_CLASSES);
    for (String className : classes) {
      String name = className.replace('.', '/').concat(".class");
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
    try (JarFile appended = new JarFile(jar)) {
      inst.appendToBootstrapClassLoaderSearch(appended);
    }
    // All of them now: one loaded later from inside a woven method would re-enter that method.
    for (String className : classes) {
      Class.forName(className, true, null);
    }
    // The JVM opened the jar when it was appended and has read every class from it: the file can
    // go now, so a JVM that is killed leaves nothing in the temp directory.
    jar.delete();
    Class<?> hooks = Class.forName(HOOKS, true, null);
    if (hooks.getClassLoader() != null) {
      throw new IllegalStateException(HOOKS + " was loaded by " + hooks.getClassLoader()
          + " before the bootstrap jar was appended");
    }
    return hooks;
  }
}
