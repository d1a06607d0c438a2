package io.memspan.agent.probe;

import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weaves the probes into the JDK classes they name, whether the class is loaded after the agent
 * started or retransformed because it already was. Stays registered: a later retransform by
 * anyone (another agent, a profiler) starts again from the original class file, and the probes
 * must survive it. Never throws into the class loading that called it: a probe that cannot be
 * woven is reported in one line and its class is left as it was.
 */
final class GrowthTransformer implements ClassFileTransformer {

  /** What weaving a class came to. */
  enum Outcome { WOVEN, NO_METHOD, FAILED }

  private final Map<String, ClassWeaver> weavers;
  private final PrintStream log;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();

  /** @param weavers by internal class name ({@code java/util/HashMap}) */
  GrowthTransformer(Map<String, ClassWeaver> weavers, PrintStream log) {
    this.weavers = weavers;
    this.log = log;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className,
      Class<?> classBeingRedefined, ProtectionDomain domain, byte[] classFile) {
    // Only the JDK's own copy (bootstrap loader): an application class of the same name is not ours.
    if (loader != null || className == null) {
      return null;
    }
    ClassWeaver weaver = weavers.get(className);
    if (weaver == null) {
      return null;
    }
    Outcome before = outcomes.get(className);
    try {
      ClassWeaver.Result r = weaver.weave(classFile);
      if (r.woven().isEmpty()) {
        outcomes.put(className, Outcome.NO_METHOD);
        if (before == null) {
          log.println("memspan: probe " + weaver.spec().name() + " skipped: "
              + weaver.spec().typeName() + " has no " + weaver.describe() + " on Java "
              + Runtime.version().feature());
        }
        return null;
      }
      outcomes.put(className, Outcome.WOVEN);
      return r.bytes();
    } catch (Throwable e) {
      outcomes.put(className, Outcome.FAILED);
      if (before == null) {
        log.println("memspan: probe " + weaver.spec().name() + " skipped: cannot weave "
            + weaver.spec().typeName() + ": " + e);
      }
      return null;
    }
  }

  /** What the class's last (re)transformation came to; null if it has not been seen. */
  Outcome outcome(String internalName) {
    return outcomes.get(internalName);
  }
}
