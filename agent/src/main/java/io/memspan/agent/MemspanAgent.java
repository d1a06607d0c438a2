package io.memspan.agent;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigException;
import java.lang.instrument.Instrumentation;

/**
 * Entry point of {@code -javaagent:memspan-agent.jar[=key=value,...]} and of dynamic attach.
 * Whatever goes wrong here, the JVM starts: a bad configuration prints one line naming the
 * problem and the agent stays off. Everything slow (weaving the probes, the exporter, compiling
 * the eBPF program) runs on memspan's own thread, so premain returns quickly.
 *
 * <p>This class must not mention the hook classes: they have to be loaded from the bootstrap
 * jar, which does not exist until {@link BootJar#install} has run.
 */
public final class MemspanAgent {
  /** The agent arguments of {@code memspan detach}: take the probes out of this JVM. */
  public static final String DETACH = "detach";

  private static boolean started;

  private MemspanAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    if (args != null && args.trim().equals(DETACH)) {
      detach();
      return;
    }
    start(args, inst);
  }

  private static synchronized void detach() {
    try {
      System.err.println(AgentRuntime.detach());
    } catch (Throwable e) {
      System.err.println("memspan: detach failed: " + e);
    }
  }

  private static synchronized void start(String args, Instrumentation inst) {
    long t0 = System.nanoTime();
    if (started) {
      // a JVM whose probes memspan detach took out gets them back; else nothing to do
      try {
        String again = AgentRuntime.reattach();
        System.err.println(again != null ? again
            : "memspan: already running in this JVM; ignoring the second start");
      } catch (Throwable e) {
        System.err.println("memspan: attach again failed: " + e);
      }
      return;
    }
    try {
      AgentConfig config = AgentConfig.load(args);
      Settings settings = Settings.from(config);
      if (!settings.enabled()) {
        System.err.println("memspan: disabled by configuration (" + io.memspan.agent.config.ConfigKeys.ENABLED + "=false)");
        return;
      }
      Class<?> hooks = BootJar.install(inst);
      started = true;
      AgentRuntime.start(inst, config, settings, hooks, new ThreadGroup("memspan"));
      System.setProperty("memspan.premain.micros",
          Long.toString((System.nanoTime() - t0) / 1000));
    } catch (ConfigException e) {
      System.err.println("memspan: disabled: " + e.getMessage());
    } catch (Throwable e) {
      System.err.println("memspan: disabled: could not start: " + e);
    }
  }
}
