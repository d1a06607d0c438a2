package io.memspan.bench.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.VirtualMachine;
import io.memspan.agent.MemspanAgent;
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
 * memspan in that JVM, or it kept them; the reason on stderr), 2 for bad arguments.
 */
public final class DetachClient {
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
    VirtualMachine vm = AttachClient.open(pid, "detach");
    if (vm == null) {
      return 1;
    }
    try {
      if (probes(vm) == null) {
        System.err.println("memspan detach: process " + pid + " has no memspan probes installed"
            + " (never attached, already detached, or still starting)");
        return 1;
      }
      // the agent detaches inside agentmain: when loadAgent returns, the classes are restored
      vm.loadAgent(jar.toString(), MemspanAgent.DETACH);
      if (probes(vm) != null) {
        System.err.println("memspan detach: process " + pid + " kept its probes; it says why on"
            + " its stderr");
        return 1;
      }
      System.out.println("memspan detach: probes removed from process " + pid
          + "; its JDK classes run their own code again ('memspan attach " + pid
          + "' puts them back)");
      return 0;
    } catch (AgentInitializationException | AgentLoadException | IOException e) {
      System.err.println("memspan detach: process " + pid + " did not take the detach: "
          + AttachClient.reason(e));
      return 1;
    } finally {
      try {
        vm.detach();
      } catch (IOException ignored) {
        // the target may have exited
      }
    }
  }

  private static String probes(VirtualMachine vm) throws IOException {
    return vm.getSystemProperties().getProperty(AttachClient.PROBES_PROPERTY);
  }
}
