package io.memspan.agent.it;

import static io.memspan.agent.it.Spans.calledFrom;
import static io.memspan.agent.it.Spans.inTimeOrder;
import static io.memspan.agent.it.Spans.named;
import static io.memspan.agent.it.Spans.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.tools.attach.VirtualMachine;
import io.memspan.agent.testing.OtlpGrpcReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code memspan attach <pid>}'s mechanism: loading the agent into a running JVM. */
class DynamicAttachIT {

  @Test
  void attachingToARunningJvmProducesSpans() throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      Process app = ForkedJvm.java().start("io.memspan.itapp.Workload", "wait");
      try {
        assertEquals("ready", readLine(app.getInputStream()));
        VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
        try {
          vm.loadAgent(ForkedJvm.AGENT_JAR.toAbsolutePath().toString(),
              "instrument=premain,sample.rate=1,spans.per.second=100000,"
                  + "otel.exporter.otlp.protocol=grpc,otel.exporter.otlp.endpoint="
                  + rx.endpoint());
        } finally {
          vm.detach();
        }
        OutputStream in = app.getOutputStream();
        in.write('\n');
        in.flush();
        ForkedJvm.Result r = ForkedJvm.finish(app, Duration.ofMinutes(3)).assertExitedNormally();
        assertEquals("attached size=200000\n", r.stdout());
        List<Span> grows = inTimeOrder(rx.spans(), named("ArrayList.grow")
            .and(calledFrom("io.memspan.itapp.Workload.waitForLine")));
        assertFalse(grows.isEmpty(), r.stderr());
        for (Span s : grows) {
          assertEquals(Markers.line("attached-add"), num(s, "code.line.number"));
        }
        List<Long> expected = new java.util.ArrayList<>();
        for (long cap = 10; cap < 200_000; cap += cap >> 1) {
          if (cap + (cap >> 1) >= 4096) {
            expected.add(cap + (cap >> 1));
          }
        }
        assertEquals(expected, grows.stream().map(s -> num(s, "memspan.capacity.after"))
            .toList());
      } finally {
        app.destroyForcibly();
      }
    }
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
