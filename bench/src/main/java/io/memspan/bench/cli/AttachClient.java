package io.memspan.bench.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code memspan attach}: loads the agent jar into a running JVM through the JDK's attach API
 * (the agent's {@code agentmain}) and says whether it took.
 *
 * <p>usage: AttachClient PID AGENT_JAR [AGENT_ARGS]. Exit 0 when the agent loaded, 1 when it did
 * not (the reason on stderr), 2 for bad arguments.
 */
public final class AttachClient {

  /** What the agent sets in the target once its probes are in (AgentRuntime). */
  static final String PROBES_PROPERTY = "memspan.probes.installed";
  static final long PROBES_WAIT_SECONDS = 60;

  private AttachClient() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: AttachClient PID AGENT_JAR [AGENT_ARGS]");
      System.exit(2);
    }
    String pid = args[0];
    if (!pid.matches("[1-9][0-9]*")) {
      System.err.println("memspan attach: '" + pid + "' is not a process id");
      System.exit(2);
    }
    Path jar = Path.of(args[1]).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("memspan attach: agent jar " + jar + " does not exist");
      System.exit(2);
    }
    String options = args.length == 3 ? args[2] : "";
    System.exit(attach(pid, jar, options));
  }

  static int attach(String pid, Path jar, String options) {
    VirtualMachine vm = open(pid, "attach");
    if (vm == null) {
      return 1;
    }
    try {
      String command = vm.getSystemProperties().getProperty("sun.java.command", "?");
      String version = vm.getSystemProperties().getProperty("java.version", "?");
      vm.loadAgent(jar.toString(), options);
      String probes = awaitProbes(vm);
      if (probes == null) {
        System.err.println("memspan attach: the agent loaded into process " + pid + " but installed"
            + " no probes within " + PROBES_WAIT_SECONDS + " s; it says why on that process's stderr");
        return 1;
      }
      System.out.println("memspan attach: agent loaded into process " + pid + " (java " + version
          + ", " + firstWord(command) + "), probes: " + probes);
      return 0;
    } catch (AgentInitializationException e) {
      System.err.println("memspan attach: the agent started in process " + pid
          + " but its agentmain failed (return value " + e.returnValue() + "): " + reason(e));
      return 1;
    } catch (AgentLoadException | IOException e) {
      System.err.println("memspan attach: process " + pid + " did not load the agent: " + reason(e)
          + " (a JVM started with -XX:-EnableDynamicAgentLoading refuses agents)");
      return 1;
    } finally {
      try {
        vm.detach();
      } catch (IOException ignored) {
        // The target may have exited; nothing to release on our side.
      }
    }
  }

  /**
   * The probes the agent reports installed (its system property), polled because it may install
   * them on a background thread; null when none appeared in time.
   */
  private static String awaitProbes(VirtualMachine vm) throws IOException {
    long deadline = System.nanoTime() + PROBES_WAIT_SECONDS * 1_000_000_000L;
    while (true) {
      String probes = vm.getSystemProperties().getProperty(PROBES_PROPERTY);
      if (probes != null || System.nanoTime() > deadline) {
        return probes;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * The target JVM through the attach API, or null after saying on stderr why not
   * ({@code memspan <command>: cannot attach to process ...}).
   */
  static VirtualMachine open(String pid, String command) {
    try {
      return VirtualMachine.attach(pid);
    } catch (AttachNotSupportedException | IOException e) {
      System.err.println("memspan " + command + ": cannot attach to process " + pid + ": "
          + reason(e) + " (is it a JVM run by this user? is /tmp shared with it?)");
      return null;
    }
  }

  static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String firstWord(String command) {
    int sp = command.indexOf(' ');
    return sp < 0 ? command : command.substring(0, sp);
  }
}
