package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-JVM A/B's phase order, its command line, and its child as the harness drives it. */
class SteadyStateABTest {

  @Test
  void phasesAlternateInPairsSoEachModeComesFirstEqually() {
    assertEquals(List.of(true, false, false, true, true, false, false, true),
        SteadyStateAB.order(4));
  }

  @Test
  void badOptionsNameTheProblem() {
    String jar = Path.of("pom.xml").toAbsolutePath().toString(); // any existing file
    assertEquals("--pairs must be a positive integer, got '0'", assertThrows(
        IllegalArgumentException.class,
        () -> SteadyStateAB.Options.parse(new String[] {jar, "--pairs", "0"})).getMessage());
    assertEquals("--runs needs a value", assertThrows(IllegalArgumentException.class,
        () -> SteadyStateAB.Options.parse(new String[] {jar, "--runs"})).getMessage());
    assertEquals("unknown option --frob", assertThrows(IllegalArgumentException.class,
        () -> SteadyStateAB.Options.parse(new String[] {jar, "--frob", "1"})).getMessage());
    SteadyStateAB.Options o = SteadyStateAB.Options.parse(new String[] {jar, "--jvm-args", ""});
    assertEquals(List.of(), o.jvmArgs(), "an empty --jvm-args runs the JVM's defaults");
  }

  @Test
  void childAnswersEachRunAndItsCpuThenWaits() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SteadyStateChild.class.getName(), "JsonOrders", "2000")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8)); PrintWriter in = new PrintWriter(p.getOutputStream(), true)) {
      assertEquals("ready", out.readLine());
      in.println("run 2");
      String expected = Long.toHexString(JsonOrders.run(2000));
      for (int i = 0; i < 2; i++) {
        String[] f = out.readLine().split(" ");
        assertEquals("run", f[0]);
        long wall = Long.parseLong(f[1]);
        long main = Long.parseLong(f[3]);
        assertTrue(main > 0 && main <= wall + 10_000_000L, "main-thread CPU within the wall time");
        assertEquals(expected, f[4]);
      }
      assertNotNull(ThreadCpu.parse(out.readLine()));
      assertEquals("done", out.readLine());
      in.println("quit");
    }
    assertEquals(0, p.waitFor());
  }
}
