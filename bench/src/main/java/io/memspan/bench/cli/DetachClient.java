package io.memspan.bench.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code memspan detach}: takes memspan's probes out of a running JVM (the agent's
 * {@code agentmain("detach")}), so its JDK classes run their own code again and the kernel
 * source's tracepoints are detached; a later {@code memspan attach} puts them back. Works on a JVM
 * started with {@code -javaagent} as well as on one attached to.
 *
 * <p>usage: DetachClient PID AGENT_JAR. Exit 0 when the probes are out, 1 when they are not (no
 * memspan in that JVM, or it did not answer; the reason on stderr), 2 for bad arguments.
 */
public final class DetachClient {
  static final long WAIT_SECONDS = 30;
  /** The agent's argument for a detach ({@code MemspanAgent.DETACH}). */
  static final String DETACH = "detach";

  private DetachClient() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: DetachClient PID AGENT_JAR");
      System.exit(2);
    }
    if (!args[0].matches("[1-9][0-9]*")) {
      System.err.println("memspan detach: '" + args[0] + "' is not a process id");
      System.exit(2);
    }
    Path jar = Path.of(args[1]).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("memspan detach: agent jar " + jar + " does not exist");
      System.exit(2);
    }
    System.exit(detach(args[0], jar));
  }

  static int detach(String pid, Path jar) {
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(pid);
    } catch (AttachNotSupportedException | IOException e) {
      System.err.println("memspan detach: cannot attach to process " + pid + ": " + reason(e)
          + " (is it a JVM run by this user? is /tmp shared with it?)");
      return 1;
    }
    try {
      if (vm.getSystemProperties().getProperty(AttachClient.PROBES_PROPERTY) == null) {
        System.err.println("memspan detach: process " + pid + " has no memspan probes installed"
            + " (never attached, already detached, or still starting)");
        return 1;
      }
      vm.loadAgent(jar.toString(), DETACH);
      if (!awaitRemoved(vm)) {
        System.err.println("memspan detach: process " + pid + " still has its probes after "
            + WAIT_SECONDS + " s; it says why on its stderr");
        return 1;
      }
      System.out.println("memspan detach: probes removed from process " + pid
          + "; its JDK classes run their own code again ('memspan attach " + pid
          + "' puts them back)");
      return 0;
    } catch (AgentInitializationException | AgentLoadException | IOException e) {
      System.err.println("memspan detach: process " + pid + " did not take the detach: "
          + reason(e));
      return 1;
    } finally {
      try {
        vm.detach();
      } catch (IOException ignored) {
        // the target may have exited
      }
    }
  }

  /** The agent clears its probes property once the classes are restored (synchronously). */
  private static boolean awaitRemoved(VirtualMachine vm) throws IOException {
    long deadline = System.nanoTime() + WAIT_SECONDS * 1_000_000_000L;
    while (vm.getSystemProperties().getProperty(AttachClient.PROBES_PROPERTY) != null) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
