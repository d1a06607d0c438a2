package io.memspan.agent.loader;

import java.lang.instrument.Instrumentation;
import java.net.URL;

/**
 * The jar's Premain-Class and Agent-Class: the only memspan class the application's class loader
 * ever loads. It starts the real agent ({@code io.memspan.agent.MemspanAgent}) inside an
 * {@link AgentClassLoader}, so memspan's libraries never meet the application's copies: Netty,
 * OpenTelemetry and ByteBuddy are relocated in the jar, and JNA (which cannot be relocated: its
 * native library binds JNI names to {@code com.sun.jna}) is loaded by the agent's own loader.
 *
 * <p>Kept tiny on purpose: no lambdas, no logging, nothing that is not in {@code java.base}.
 */
public final class AgentEntry {
  private AgentEntry() {}

  static final String AGENT_CLASS = "io.memspan.agent.MemspanAgent";

  /** One loader per JVM, so a later dynamic attach reaches the agent premain started. */
  private static ClassLoader loader;

  public static void premain(String args, Instrumentation inst) {
    launch("premain", args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    launch("agentmain", args, inst);
  }

  private static synchronized void launch(String method, String args, Instrumentation inst) {
    try {
      if (loader == null) {
        URL jar = AgentEntry.class.getProtectionDomain().getCodeSource().getLocation();
        loader = new AgentClassLoader(jar);
      }
      Class<?> agent = Class.forName(AGENT_CLASS, true, loader);
      agent.getMethod(method, String.class, Instrumentation.class).invoke(null, args, inst);
    } catch (Throwable e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException
          ? e.getCause() : e;
      System.err.println("memspan: disabled: could not load the agent: " + cause);
    }
  }

  /** The loader the agent runs in (null before the first start); for tests and diagnostics. */
  public static synchronized ClassLoader loader() {
    return loader;
  }
}
