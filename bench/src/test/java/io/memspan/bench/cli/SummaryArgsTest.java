package io.memspan.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryArgsTest {

  @Test
  void parsesEveryOption() {
    Summary.SummaryArgs a = Summary.SummaryArgs.parse(new String[] {
        "--api", "http://127.0.0.1:1234", "--service", "svc", "--token", "t", "--wait", "5",
        "--top", "3", "--process-faults-from", "/tmp/x"});
    assertEquals("http://127.0.0.1:1234/", a.api().toString());
    assertEquals("svc", a.service());
    assertEquals("t", a.token());
    assertEquals(5, a.waitSeconds());
    assertEquals(3, a.top());
    assertEquals(Path.of("/tmp/x"), a.processFaultsFrom());
  }

  @Test
  void errorsNameTheProblem() {
    assertMessage("--api and --service are required", "--service", "x");
    assertMessage("--api wants http://HOST:PORT", "--api", "ftp://x", "--service", "x");
    assertMessage("--wait wants a positive whole number", "--api", "http://h:1", "--service", "x",
        "--wait", "-3");
    assertMessage("unknown option '--bogus'", "--bogus", "1");
    assertMessage("--top needs a value", "--top");
  }

  @Test
  void readsTheProcessFaultLine(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Files.writeString(out, "round 1: ...\nprocess page faults: 123456\n");
    assertEquals(123456L, Summary.processFaults(out));
    Files.writeString(out, "nothing here\n");
    assertEquals(null, Summary.processFaults(out));
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Summary.SummaryArgs.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
