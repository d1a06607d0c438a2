package io.memspan.agent.probe;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weaves the probes into the JDK with plain ASM: JDK classes not loaded yet are woven as they
 * load, those already loaded are retransformed, all at once. The woven code calls the bootstrap
 * hooks, so {@code java.base} is given a read edge to the hooks' (bootstrap, unnamed) module first. A probe whose method does
 * not exist on this JDK, or that cannot be woven, is skipped with one line (when its class is
 * woven); the others still go in.
 */
public final class ProbeInstaller {

  private final Instrumentation inst;
  private final PrintStream log;
  /** The transformer of the last {@link #install}, until {@link #remove}; null otherwise. */
  private GrowthTransformer transformer;
  private Map<String, ClassWeaver> weavers;

  public ProbeInstaller(Instrumentation inst, PrintStream log) {
    this.inst = inst;
    this.log = log;
  }

  /** Installs what exists on this JDK; returns the names of the probes that were installed. */
  public List<String> install(List<ProbeSpec> specs, Class<?> hooks) {
    Module javaBase = Object.class.getModule();
    inst.redefineModule(javaBase, Set.of(hooks.getModule()), Map.of(), Map.of(), Set.of(),
        Map.of());

    Map<String, ProbeSpec> byClass = new LinkedHashMap<>();
    // Concurrent: class loading on any thread reads it, and a refused class is removed below.
    Map<String, ClassWeaver> weavers = new ConcurrentHashMap<>();
    for (ProbeSpec spec : specs) {
      try {
        weavers.put(internalName(spec), weaverOf(spec, hooks.getClassLoader()));
        byClass.put(internalName(spec), spec);
      } catch (ReflectiveOperationException e) {
        log.println("memspan: probe " + spec.name() + " skipped: hook " + e.getMessage()
            + " is missing from the bootstrap jar");
      }
    }

    GrowthTransformer transformer = new GrowthTransformer(weavers, log);
    inst.addTransformer(transformer, true);
    this.transformer = transformer;
    this.weavers = weavers;
    // Classes the JDK has not loaded yet are woven when (if ever) they load; only those already
    // loaded are retransformed here. Forcing them all in would only cost start time.
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() == null && weavers.containsKey(c.getName().replace('.', '/'))
          && transformer.outcome(c.getName().replace('.', '/')) == null) {
        loaded.add(c);
      }
    }
    Set<Class<?>> refused = retransform(loaded);
    for (Class<?> c : refused) {
      // so that a later retransform by anyone else is not refused because of memspan
      weavers.remove(c.getName().replace('.', '/'));
    }

    List<String> installed = new ArrayList<>();
    for (Map.Entry<String, ProbeSpec> e : byClass.entrySet()) {
      GrowthTransformer.Outcome outcome = transformer.outcome(e.getKey());
      // a refused class has left `weavers`; not loaded yet (null): woven when it loads
      if (weavers.containsKey(e.getKey())
          && (outcome == null || outcome == GrowthTransformer.Outcome.WOVEN)) {
        installed.add(e.getValue().name());
      }
    }
    return installed;
  }

  /**
   * Takes the probes out again (memspan detach): the transformer goes, and every probed class
   * that is loaded is retransformed without it, so the JVM rebuilds it from its original class
   * file and the JDK runs its own code. Threads inside a woven method finish that call in the
   * woven version (the JVM keeps running an old method version to its end), so the hooks must
   * still answer their exits: pause them first ({@code MemspanHooks.pause}). Returns how many
   * classes went back; a class the JVM refuses to retransform keeps its probes, said in one line.
   */
  public int remove() {
    GrowthTransformer t = transformer;
    if (t == null) {
      return 0;
    }
    inst.removeTransformer(t);
    transformer = null;
    List<Class<?>> woven = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      String name = c.getName().replace('.', '/');
      if (c.getClassLoader() == null && weavers.containsKey(name)
          && t.outcome(name) == GrowthTransformer.Outcome.WOVEN) {
        woven.add(c);
      }
    }
    Set<Class<?>> refused = retransform(woven,
        " kept: the JVM refused to restore the JDK's own class: ");
    return woven.size() - refused.size();
  }

  static String internalName(ProbeSpec spec) {
    return spec.typeName().replace('.', '/');
  }

  /** The spec with its hooks resolved in {@code loader} (the bootstrap loader in the agent). */
  static ClassWeaver weaverOf(ProbeSpec spec, ClassLoader loader)
      throws ReflectiveOperationException {
    Map<ProbeSpec.Variant, HookMethod[]> resolved = new IdentityHashMap<>();
    for (ProbeSpec.Variant v : spec.variants()) {
      resolved.put(v, new HookMethod[] {HookMethod.resolve(v.hooks(), v.enter(), loader),
          v.exit() == null ? null : HookMethod.resolve(v.hooks(), v.exit(), loader)});
    }
    return new ClassWeaver(spec, resolved);
  }

  /**
   * One retransformation for all (one safepoint, one round of deoptimization); if the JVM refuses
   * the batch, class by class, so one bad class costs only its own probe.
   */
  private Set<Class<?>> refusedOf(List<Class<?>> classes, String refusal) {
    Set<Class<?>> refused = new HashSet<>();
    for (Class<?> c : classes) {
      try {
        inst.retransformClasses(c);
      } catch (Throwable e) {
        refused.add(c);
        log.println("memspan: probe on " + c.getName() + refusal + e);
      }
    }
    return refused;
  }

  private Set<Class<?>> retransform(List<Class<?>> classes) {
    return retransform(classes, " skipped: the JVM refused the woven class: ");
  }

  private Set<Class<?>> retransform(List<Class<?>> classes, String refusal) {
    if (classes.isEmpty()) {
      return Set.of();
    }
    try {
      inst.retransformClasses(classes.toArray(new Class<?>[0]));
      return Set.of();
    } catch (Throwable batch) {
      return refusedOf(classes, refusal);
    }
  }

}
