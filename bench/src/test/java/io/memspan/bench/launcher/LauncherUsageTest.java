package io.memspan.bench.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the launcher says about bad command lines: a clear error naming the problem, exit 2. */
class LauncherUsageTest {

  @Test
  void unknownCommandExits2WithUsage() throws Exception {
    Launcher.Result r = Launcher.run("frobnicate");
    assertEquals(2, r.exit(), r.both());
    assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
    assertTrue(r.err().contains("usage: memspan <command>"), r.err());
  }

  @Test
  void noCommandExits2WithUsage() throws Exception {
    Launcher.Result r = Launcher.run();
    assertEquals(2, r.exit(), r.both());
    assertTrue(r.err().contains("usage: memspan <command>"), r.err());
  }

  @Test
  void helpListsEveryCommand() throws Exception {
    Launcher.Result r = Launcher.run("--help");
    assertEquals(0, r.exit(), r.both());
    for (String cmd : new String[] {"demo", "run", "attach", "detach", "collector", "doctor",
        "test"}) {
      assertTrue(r.out().contains("\n  " + cmd + " "), cmd + " missing from:\n" + r.out());
    }
  }

  @Test
  void everyCommandHelpDocumentsItsFlags() throws Exception {
    assertHelp("demo", "--keep", "--no-build");
    assertHelp("run", "--endpoint", "--protocol", "--service", "--agent-args", "--keep",
        "--no-summary", "--no-build");
    assertHelp("attach", "--endpoint", "--protocol", "--service", "--agent-args", "--no-build");
    assertHelp("detach", "--no-build");
    assertHelp("test");
    assertHelp("doctor", "--no-load");
  }

  @Test
  void badOptionsNameTheProblem() throws Exception {
    assertUsageError("demo: unknown option '--fast'", "demo", "--fast");
    assertUsageError("run: no command given", "run");
    assertUsageError("run: unknown option '--frob'", "run", "--frob", "--", "java", "-version");
    assertUsageError("run: --endpoint wants http://HOST:PORT", "run", "--endpoint", "localhost:4318",
        "--", "java", "-version");
    assertUsageError("run: --endpoint needs a value", "run", "--endpoint");
    assertUsageError("run: --protocol is http/protobuf or grpc, not 'udp'", "run", "--protocol", "udp",
        "--", "java", "-version");
    assertUsageError("run: --agent-args entry 'threshold' is not key=value", "run", "--agent-args",
        "threshold", "--", "java", "-version");
    assertUsageError("attach: no process id given", "attach");
    assertUsageError("attach: 'java' is not a process id", "attach", "java");
    assertUsageError("attach: one process id only", "attach", "12", "13");
    assertUsageError("detach: no process id given", "detach");
    assertUsageError("detach: 'java' is not a process id", "detach", "java");
    assertUsageError("detach: unknown option '--all'", "detach", "--all");
  }

  @Test
  void attachToAMissingProcessFails() throws Exception {
    Launcher.Result r = Launcher.run("attach", "999999999");
    assertEquals(1, r.exit(), r.both());
    assertTrue(r.err().contains("no process 999999999"), r.err());
  }

  @Test
  void detachFromAMissingProcessFails() throws Exception {
    Launcher.Result r = Launcher.run("detach", "999999999");
    assertEquals(1, r.exit(), r.both());
    assertTrue(r.err().contains("no process 999999999"), r.err());
  }

  @Test
  void runOfAMissingCommandFails() throws Exception {
    Launcher.Result r = Launcher.run("run", "--", "no-such-program-here");
    assertEquals(1, r.exit(), r.both());
    assertTrue(r.err().contains("command 'no-such-program-here' not found"), r.err());
  }

  private static void assertHelp(String cmd, String... flags) throws Exception {
    Launcher.Result r = Launcher.run(cmd, "--help");
    assertEquals(0, r.exit(), r.both());
    assertTrue(r.out().startsWith("usage: memspan " + cmd), r.out());
    for (String f : flags) {
      assertTrue(r.out().contains(f), cmd + " --help lacks " + f + ":\n" + r.out());
    }
  }

  private static void assertUsageError(String expected, String... args) throws Exception {
    Launcher.Result r = Launcher.run(args);
    assertEquals(2, r.exit(), String.join(" ", args) + ":\n" + r.both());
    assertTrue(r.err().contains("memspan: " + expected), r.err());
  }
}
