package io.memspan.agent.it;

import static io.memspan.agent.it.Spans.calledFrom;
import static io.memspan.agent.it.Spans.inTimeOrder;
import static io.memspan.agent.it.Spans.named;
import static io.memspan.agent.it.Spans.num;
import static io.memspan.agent.it.Spans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.memspan.agent.testing.OtlpGrpcReceiver;
import io.memspan.bpf.BpfRequirement;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code memspan detach <pid>} and a later {@code memspan attach <pid>} on a JVM started with
 * {@code -javaagent}: a list grown while detached makes no span (the JDK's own ArrayList runs),
 * the same growth after the attach makes every span again, the application's output is the same
 * as without the agent, and with bcc the detach closes every eBPF map, link and tracepoint fd.
 */
class DetachIT {
  private static final String APP = "io.memspan.itapp.Workload";
  private static final String KEEP_ALL = "instrument=premain,sample.rate=1,spans.per.second=100000,"
      + "otel.bsp.schedule.delay=200,otel.exporter.otlp.protocol=grpc";
  private static final String PROBES = "memspan.probes.installed";
  private static final String EXPECTED_OUTPUT = "ready 1\nphase 1 size=200000 hash=%1$d\n"
      + "ready 2\nphase 2 size=200000 hash=%1$d\nready 3\nphase 3 size=200000 hash=%1$d\n";

  @Test
  void detachedJvmRunsTheJdksOwnCodeAndAttachPutsTheProbesBack() throws Exception {
    Phases run = runPhases("kernel=off");
    assertPhaseSpans(run);
  }

  @Test
  void detachClosesTheKernelSourceAndAttachOpensItAgain() throws Exception {
    BpfRequirement.assumeAvailable();
    Phases run = runPhases("kernel=bcc");
    assertPhaseSpans(run);
    // the loaded programs are held by their tracepoint attachments, the maps by their own fds
    assertTrue(run.bpfFdsAttached.getOrDefault("bpf-map", 0) > 0, run.bpfFdsAttached.toString());
    assertTrue(run.bpfFdsAttached.getOrDefault("[perf_event]", 0) > 0,
        run.bpfFdsAttached.toString());
    assertEquals(Map.of(), run.bpfFdsDetached, "no eBPF program, map or tracepoint left open");
    assertTrue(run.stderr.contains("kernel source bcc closed"), run.stderr);
    for (Span s : run.phase3) {
      assertEquals("bcc", str(s, "memspan.kernel.source"), "the kernel source opened again");
    }
  }

  private record Phases(List<Span> phase1, List<Span> phase2, List<Span> phase3, String stdout,
      String stderr, Map<String, Integer> bpfFdsAttached, Map<String, Integer> bpfFdsDetached) {}

  private static Phases runPhases(String kernel) throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      Process app = ForkedJvm.java()
          .agent(KEEP_ALL + "," + kernel + ",otel.exporter.otlp.endpoint=" + rx.endpoint())
          .jvmArg("-Dmemspan.it.wait.kernel=true")
          .start(APP, "phases");
      try {
        StringBuilder out = new StringBuilder();
        String pid = Long.toString(app.pid());
        expectLine(app, "ready 1", out);
        go(app);
        expectLine(app, null, out);
        expectLine(app, "ready 2", out);
        Map<String, Integer> attached = bpfFds(app.pid());
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
          vm.loadAgent(ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "detach");
          // the detach is synchronous: the probes are out when loadAgent returns
          assertEquals(null, vm.getSystemProperties().getProperty(PROBES));
        } finally {
          vm.detach();
        }
        Map<String, Integer> detached = bpfFds(app.pid());
        go(app);
        expectLine(app, null, out);
        expectLine(app, "ready 3", out);
        vm = VirtualMachine.attach(pid);
        try {
          vm.loadAgent(ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "instrument=premain");
          assertTrue(vm.getSystemProperties().getProperty(PROBES).contains("ArrayList"));
          if (kernel.equals("kernel=bcc")) {
            awaitProperty(vm, "memspan.kernel.source");
          }
        } finally {
          vm.detach();
        }
        go(app);
        ForkedJvm.Result r = ForkedJvm.finish(app, Duration.ofMinutes(3)).assertExitedNormally();
        out.append(r.stdout());
        List<Span> spans = rx.spans();
        return new Phases(grows(spans, "phase1-add"), grows(spans, "phase2-add"),
            grows(spans, "phase3-add"), out.toString(), r.stderr(), attached, detached);
      } finally {
        app.destroyForcibly();
      }
    }
  }

  private static void assertPhaseSpans(Phases run) {
    List<Integer> expectedList = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      expectedList.add(i);
    }
    assertEquals(String.format(EXPECTED_OUTPUT, expectedList.hashCode()), run.stdout);
    List<Long> capacities = new ArrayList<>();
    for (long cap = 10; cap < 200_000; cap += cap >> 1) {
      if (cap + (cap >> 1) >= 4096) {
        capacities.add(cap + (cap >> 1));
      }
    }
    assertEquals(capacities, capacitiesOf(run.phase1), run.stderr);
    assertEquals(List.of(), run.phase2, "no span while detached");
    assertEquals(capacities, capacitiesOf(run.phase3), run.stderr);
    assertTrue(run.stderr.contains("memspan: detached: "), run.stderr);
    assertTrue(run.stderr.contains("memspan: attached again: probes ArrayList"), run.stderr);
  }

  private static List<Span> grows(List<Span> spans, String marker) {
    return inTimeOrder(spans, named("ArrayList.grow").and(calledFrom(APP + ".phases"))
        .and(s -> num(s, "code.line.number") == Markers.line(marker)));
  }

  private static List<Long> capacitiesOf(List<Span> spans) {
    return spans.stream().map(s -> num(s, "memspan.capacity.after")).toList();
  }

  /** The process's open eBPF program, map and perf-event fds, by kind. */
  private static Map<String, Integer> bpfFds(long pid) throws IOException {
    Map<String, Integer> kinds = new TreeMap<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          continue;
        }
        if (target.startsWith("anon_inode:bpf") || target.equals("anon_inode:[perf_event]")) {
          kinds.merge(target.substring("anon_inode:".length()), 1, Integer::sum);
        }
      }
    }
    return kinds;
  }

  private static void awaitProperty(VirtualMachine vm, String key) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (vm.getSystemProperties().getProperty(key) == null) {
      assertTrue(System.nanoTime() < end, key + " never set after the attach");
      Thread.sleep(50);
    }
  }

  private static void go(Process app) throws IOException {
    OutputStream in = app.getOutputStream();
    in.write('\n');
    in.flush();
  }

  /** Reads one line byte by byte (the rest is drained later), checks it if expected is given. */
  private static void expectLine(Process app, String expected, StringBuilder out)
      throws IOException {
    InputStream in = app.getInputStream();
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      sb.append((char) c);
    }
    if (expected != null) {
      assertEquals(expected, sb.toString());
    }
    out.append(sb).append('\n');
  }
}
