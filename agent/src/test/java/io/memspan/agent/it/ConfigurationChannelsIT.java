package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three ways to configure the agent, in one JVM, as the README orders them: agent arguments
 * win over system properties, which win over environment variables ({@code MEMSPAN_*},
 * {@code OTEL_*}); a key set in one channel only is taken from it.
 */
class ConfigurationChannelsIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void argumentsWinOverPropertiesWhichWinOverTheEnvironment() throws Exception {
    ForkedJvm.Result r = ForkedJvm.java()
        .agent("instrument=premain,kernel=off")
        .jvmArg("-Dmemspan.kernel=rusage")      // loses to the agent argument
        .jvmArg("-Dmemspan.threshold=100000")   // wins over the environment
        .env("MEMSPAN_THRESHOLD", "1000")
        .env("MEMSPAN_SUMMARY", "true")          // set nowhere else
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("OTEL_METRICS_EXPORTER", "none")
        .run(TIMEOUT, "io.memspan.itapp.Workload", "list").assertExitedNormally();
    String err = r.stderr();
    assertTrue(err.contains("memspan: kernel source none (memspan.kernel=off)"), err);
    assertTrue(err.contains("memspan: span export off (otel.traces.exporter=none)"), err);
    assertFalse(err.contains("memspan: export to"), err);

    // the exit table (MEMSPAN_SUMMARY): the list's growths armed from 100,000 on, not 1,000
    long armed = 0;
    for (long cap = 10; cap < 1_000_000; cap += cap >> 1) {
      if (cap + (cap >> 1) >= 100_000) {
        armed++;
      }
    }
    String site = "io.memspan.itapp.Workload.list:" + Markers.line("list-add");
    List<String> row = Arrays.stream(err.split("\n"))
        .map(l -> List.of(l.trim().split(" {2,}")))
        .filter(cells -> cells.get(0).equals(site))
        .findFirst().orElseThrow(() -> new AssertionError("no advice row for " + site + "\n" + err));
    assertEquals("ArrayList", row.get(1), row.toString());
    assertEquals(Long.toString(armed), row.get(7), "resizes observed: " + row);
  }
}
