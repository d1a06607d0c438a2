package io.memspan.agent.probe;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Inlines the probes' advice into the JDK methods, retransforming classes already loaded. The
 * transformed JDK code calls the bootstrap hooks, so {@code java.base} is given a read edge to the
 * hooks' (bootstrap, unnamed) module first.
 */
public final class ProbeInstaller {

  private final Instrumentation inst;
  private final PrintStream log;

  public ProbeInstaller(Instrumentation inst, PrintStream log) {
    this.inst = inst;
    this.log = log;
  }

  /** Installs what exists on this JDK; returns the names of the probes that were installed. */
  public List<String> install(List<ProbeSpec> specs, Class<?> hooks) {
    Module javaBase = Object.class.getModule();
    inst.redefineModule(javaBase, Set.of(hooks.getModule()), Map.of(), Map.of(), Set.of(),
        Map.of());

    List<String> installed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    AgentBuilder builder = new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(AgentBuilder.TypeStrategy.Default.REDEFINE_FROZEN)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, JavaModule module,
              boolean loaded, Throwable error) {
            synchronized (failures) {
              failures.add(typeName + ": " + error);
            }
          }
        })
        .ignore(ElementMatchers.none());

    for (ProbeSpec spec : specs) {
      Class<?> type;
      try {
        type = Class.forName(spec.typeName(), false, null);
      } catch (ClassNotFoundException e) {
        log.println("memspan: probe " + spec.name() + " skipped: " + spec.typeName()
            + " does not exist on this JDK");
        continue;
      }
      List<ProbeSpec.Variant> present = new ArrayList<>();
      for (ProbeSpec.Variant v : spec.variants()) {
        if (v.find(type) != null) {
          present.add(v);
        }
      }
      if (present.isEmpty()) {
        log.println("memspan: probe " + spec.name() + " skipped: " + spec.typeName()
            + " has no " + describe(spec.variants()) + " on Java "
            + Runtime.version().feature());
        continue;
      }
      builder = builder.type(ElementMatchers.named(spec.typeName()))
          .transform((b, typeDescription, loader, module, domain) -> {
            for (ProbeSpec.Variant v : present) {
              b = b.visit(Advice.to(v.advice()).on(matcher(v.find(type))));
            }
            return b;
          });
      installed.add(spec.name());
    }
    builder.installOn(inst);
    for (String f : failures) {
      log.println("memspan: probe transformation failed: " + f);
    }
    return installed;
  }

  private static ElementMatcher<MethodDescription> matcher(Method m) {
    return ElementMatchers.named(m.getName())
        .and(ElementMatchers.takesArguments(m.getParameterTypes()))
        .and(java.lang.reflect.Modifier.isStatic(m.getModifiers())
            ? ElementMatchers.isStatic() : ElementMatchers.not(ElementMatchers.isStatic()));
  }

  private static String describe(List<ProbeSpec.Variant> variants) {
    StringBuilder sb = new StringBuilder();
    for (ProbeSpec.Variant v : variants) {
      if (sb.length() > 0) {
        sb.append(" or ");
      }
      sb.append(v.method()).append('(').append(String.join(", ", v.parameterTypes())).append(')');
    }
    return sb.toString();
  }
}
