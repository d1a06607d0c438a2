package io.memspan.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CollectorMainTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = CollectorMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpDocumentsEveryFlag() {
    Run r = run("--help");
    assertEquals(0, r.exit());
    for (String flag : new String[] {"--http", "--grpc", "--ui", "--spool", "--spool-max-bytes", "--max-body-bytes",
        "--request-timeout", "--upstream", "--upstream-protocol", "--upstream-header", "--zipkin", "--token", "--ports-file", "127.0.0.1:4318",
        "127.0.0.1:4317", "127.0.0.1:16686"}) {
      assertTrue(r.out().contains(flag), flag + " missing from\n" + r.out());
    }
  }

  @Test
  void badFlagsExitTwoNamingTheProblem() {
    assertBad("'nonsense' is not HOST:PORT", "--http", "nonsense");
    assertBad("port 70000 in '127.0.0.1:70000' is above 65535", "--grpc", "127.0.0.1:70000");
    assertBad("Unknown option: '--bogus'", "--bogus");
    assertBad("'12XB' is not a size", "--spool-max-bytes", "12XB");
    assertBad("--upstream-protocol must be http/protobuf or grpc, got thrift", "--upstream-protocol", "thrift");
    assertBad("--upstream 'ftp://x' must start with http:// or https://", "--upstream", "ftp://x");
    assertBad("--upstream-header 'X-Scope-OrgID' must be KEY=VALUE", "--upstream-header", "X-Scope-OrgID");
    assertBad("--max-body-bytes must be between 1KiB and 64MiB", "--max-body-bytes", "1GiB");
  }

  @Test
  void nonLoopbackBindRequiresAToken() {
    assertBad("--token TOKEN is required when binding to a non-loopback address (--http 0.0.0.0:0)",
        "--http", "0.0.0.0:0", "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0");
    assertBad("--token TOKEN is required when binding to a non-loopback address (--ui 0.0.0.0:0)",
        "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--ui", ":0");
  }

  @Test
  void anAddressInUseFailsTheStartWithExitOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r = run("--http", "127.0.0.1:" + taken.getLocalPort(), "--grpc", "127.0.0.1:0", "--ui", "127.0.0.1:0",
          "--spool", dir.resolve("spool").toString());
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().contains("Address already in use"), r.err());
    }
  }

  private static void assertBad(String expected, String... args) {
    Run r = run(args);
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in\n" + r.err());
  }
}
