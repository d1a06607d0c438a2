package io.memspan.agent.it;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.bpf.BpfRequirement;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Whole-process accounting as a user reads it from the metrics: every fault of the process after
 * the probe is attached lands in one of the attributions, the op's own in {@code application_ops},
 * the rest by thread, a thread that has exited included.
 */
class ProcessAccountingIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern FAULTS =
      Pattern.compile("process faults before=(\\d+) after=(\\d+) direct=67108864");

  @Test
  void everyFaultOfTheProcessIsAttributedSomewhere() throws Exception {
    BpfRequirement.assumeAvailable();
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent("instrument=premain,kernel=bcc,otel.traces.exporter=none,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          // counting starts when the probe is attached: the app reads its first count after
          .jvmArg("-Dmemspan.it.wait.kernel=true")
          .run(TIMEOUT, "io.memspan.itapp.Workload", "faults").assertExitedNormally();
      Matcher m = FAULTS.matcher(r.stdout());
      assertTrue(m.find(), r.stdout() + r.stderr());
      long between = Long.parseLong(m.group(2)) - Long.parseLong(m.group(1));

      Metric faults = rx.awaitMetric(x -> x.getName().equals("memspan.page_faults"), WAIT);
      long ops = sum(faults, Map.of("memspan.attribution", "application_ops"));
      long outside = sum(faults, Map.of("memspan.attribution", "application_outside_ops"));
      long all = sum(faults, Map.of());
      String report = faults + "\nbetween the app's readings: " + between + "\n" + r.stderr();
      // 64 MiB zeroed by malloc's caller inside allocateDirect = 16,384 pages
      assertTrue(ops >= 16_000, report);
      // 32 MiB of fresh heap zeroed by main outside any op, after its first op claimed it a slot
      // (the 16 MiB of the thread that ended may count as "other": its name was gone before the
      // agent first looked it up)
      assertTrue(outside >= (32 << 20) / 4096 * 9 / 10, report);
      // what the kernel counted for the process between two readings is a lower bound of what
      // the agent attributes from attach to exit
      assertTrue(all >= between, report);

      Metric mapped = rx.awaitMetric(x -> x.getName().equals("memspan.mmap.bytes"), WAIT);
      assertTrue(sum(mapped, Map.of("memspan.attribution", "application_ops")) >= 64L << 20,
          mapped.toString());
    }
  }
}
