package io.memspan.agent.it;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import io.memspan.agent.testing.OtlpHttpReceiver;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent's poller stalled, as a descheduled one is on a loaded host: here suspended through the
 * JVM's own debugger interface (JDWP) while the application grows its lists. The application
 * thread's 256-slot op ring overflows, and still {@code memspan.ops} counts every op by type,
 * exactly; the ops the ring could not take are counted once more as dropped ({@code queue_full}).
 */
class RingOverflowIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int RING = 256;

  @Test
  void everyOpIsCountedByTypeWhileThePollerIsStalled() throws Exception {
    // 100 lists to 100,000 from 10 by 1.5x: the growths to 4096 (the threshold) and beyond
    int perList = 0;
    for (long cap = 10; cap < 100_000; cap += cap >> 1) {
      if (cap + (cap >> 1) >= 4096) {
        perList++;
      }
    }
    long expected = 100L * perList;
    assertTrue(expected > RING);

    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      Process p = ForkedJvm.java()
          .agent("instrument=premain,kernel=off,otel.traces.exporter=none,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          .jvmArg("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0")
          .start("io.memspan.itapp.Workload", "overflow");
      InputStream out = p.getInputStream();
      Matcher jdwp = Pattern.compile("Listening for transport dt_socket at address: (\\d+)")
          .matcher(readLine(out));
      assertTrue(jdwp.find());
      assertEquals("ready", readLine(out));
      VirtualMachine vm = attach(jdwp.group(1));
      ThreadReference poller = awaitThread(vm, "memspan-poller");
      poller.suspend();
      OutputStream in = p.getOutputStream();
      in.write('\n');
      in.flush();
      assertEquals("overflow total=10000000", readLine(out));
      assertEquals(1, poller.suspendCount(), "the poller stayed stalled throughout");
      poller.resume();
      vm.dispose();
      in.write('\n');
      in.flush();
      ForkedJvm.Result r = ForkedJvm.finish(p, TIMEOUT).assertExitedNormally();

      Matcher line = Pattern.compile("span export off \\(otel\\.traces\\.exporter=none\\): "
          + "\\d+ ops counted, \\d+ kept \\(no spans sent\\), (\\d+) of them on full op rings")
          .matcher(r.stderr());
      assertTrue(line.find(), r.stderr());
      Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), WAIT);
      assertEquals(expected, sum(ops, Map.of("memspan.structure.type", "ArrayList")),
          ops.toString());
      Metric dropped = rx.awaitMetric(m -> m.getName().equals("memspan.ops.dropped"), WAIT);
      // the ring was empty when the poller stopped: it took 256 ops, the rest were dropped
      assertEquals(expected - RING, sum(dropped, Map.of("memspan.reason", "queue_full")),
          dropped.toString());
      assertEquals(expected - RING, Long.parseLong(line.group(1)), r.stderr());
    }
  }

  private static VirtualMachine attach(String port) throws Exception {
    AttachingConnector c = Bootstrap.virtualMachineManager().attachingConnectors().stream()
        .filter(x -> x.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
    Map<String, Connector.Argument> args = c.defaultArguments();
    args.get("hostname").setValue("127.0.0.1");
    args.get("port").setValue(port);
    return c.attach(args);
  }

  private static ThreadReference awaitThread(VirtualMachine vm, String name) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      for (ThreadReference t : vm.allThreads()) {
        if (t.name().equals(name)) {
          return t;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no thread " + name + " in the child JVM");
  }



  /** One line, byte by byte (no buffering: the rest of the stream is drained later). */
  private static String readLine(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      sb.append((char) c);
    }
    return sb.toString();
  }
}
