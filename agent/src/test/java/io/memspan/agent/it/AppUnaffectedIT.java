package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.bpf.BpfRequirement;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application's own output is byte-identical with and without the agent, also when the
 * collector is absent, the kernel source cannot load, or the syscall ring overflows.
 */
class AppUnaffectedIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String APP = "io.memspan.itapp.Workload";
  private static final String[] WORKLOADS = {"list", "map", "mixed", "hostile", "direct"};
  private static String baseline;

  @BeforeAll
  static void runWithoutAgent() throws Exception {
    baseline = ForkedJvm.java().run(TIMEOUT, APP, WORKLOADS).assertExitedNormally().stdout();
    assertTrue(baseline.contains("mixed sb=200000"), baseline);
    assertTrue(baseline.contains("hostile chm=99999 deque=99999"), baseline);
  }

  @Test
  void outputIsIdenticalWithTheAgentExporting() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent("instrument=premain,otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, WORKLOADS).assertExitedNormally();
      assertEquals(baseline, r.stdout());
      assertTrue(r.stderr().contains("memspan: kernel source "), r.stderr());
    }
  }

  @Test
  void collectorAbsent() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,sample.rate=1,otel.exporter.otlp.endpoint=http://localhost:"
            + closedPort)
        .run(TIMEOUT, APP, WORKLOADS).assertExitedNormally();
    assertEquals(baseline, r.stdout());
    assertTrue(r.stderr().contains("0 spans sent"), r.stderr());
    // failed on connect, or still queued when the shutdown timeout ran out: never delivered
    assertTrue(r.stderr().contains("(last: nothing listening at localhost:" + closedPort + ")")
        || r.stderr().contains("unsent at exit"), r.stderr());
  }

  @Test
  void kernelSourceFailingToLoad() throws Exception {
    ForkedJvm jvm = ForkedJvm.java()
        .agent("instrument=premain,kernel=bcc,otel.traces.exporter=none,"
            + "otel.metrics.exporter=none");
    if ("root".equals(System.getProperty("user.name"))) {
      // as an unprivileged user: no CAP_BPF, CAP_PERFMON; the real failure, not a simulation
      jvm.wrappedBy("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    }
    ForkedJvm.Result r = jvm.jvmArg("-Djava.io.tmpdir=/tmp")
        .jvmArg("-Dmemspan.it.wait.kernel=true")
        .run(TIMEOUT, APP, WORKLOADS).assertExitedNormally();
    assertEquals(baseline, r.stdout());
    assertTrue(r.stderr().contains(
        "memspan: kernel source none (memspan.kernel=bcc but eBPF is unavailable: "), r.stderr());
  }

  @Test
  void syscallRingOverflow() throws Exception {
    BpfRequirement.assumeAvailable();
    String expected = ForkedJvm.java().run(TIMEOUT, APP, "mmaps").assertExitedNormally()
        .stdout();
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=bcc,kernel.ring.bytes=4096,sample.rate=1,"
            + "otel.traces.exporter=none,otel.metrics.exporter=none")
        .jvmArg("-Dmemspan.it.wait.kernel=true")
        .run(TIMEOUT, APP, "mmaps").assertExitedNormally();
    assertEquals(expected, r.stdout());
    Matcher lost = Pattern.compile("(\\d+) kernel records lost").matcher(r.stderr());
    assertTrue(lost.find(), r.stderr());
    assertTrue(Long.parseLong(lost.group(1)) > 0, "a 4 KiB ring must overflow: " + r.stderr());
  }

  @Test
  void badConfigurationDisablesTheAgentWithOneLine() throws Exception {
    ForkedJvm.Result r = ForkedJvm.java().agent("sample.rate=2")
        .run(TIMEOUT, APP, "list").assertExitedNormally();
    assertEquals("list size=1000000 hash=" + baselineListHash(), r.stdout().trim());
    assertTrue(r.stderr().contains(
        "memspan: disabled: memspan.sample.rate=2.0 must be between 0 and 1"), r.stderr());
  }

  private static String baselineListHash() {
    for (String line : baseline.split("\n")) {
      if (line.startsWith("list size=")) {
        return line.substring(line.indexOf("hash=") + 5);
      }
    }
    throw new AssertionError(baseline);
  }
}
