package io.memspan.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Semantics untouched: Guava's collection conformance suites for every instrumented structure,
 * in a JVM where every growth is armed (threshold 0), kept and walked for its call site.
 */
class GuavaConformanceIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern SUMMARY =
      Pattern.compile("conformance: (\\d+) run, (\\d+) failures, (\\d+) errors");
  private static final String[] JARS = {
    "guava-", "failureaccess-", "junit-4", "hamcrest-core-", "jspecify-"};

  @Test
  void suitesPassWithEveryOpArmed() throws Exception {
    ForkedJvm.Result plain = ForkedJvm.java().withJarsNamed(JARS)
        .run(TIMEOUT, "io.memspan.itapp.Conformance");
    ForkedJvm.Result armed = ForkedJvm.java().withJarsNamed(JARS)
        .agent("instrument=premain,threshold=0,sample.rate=1,spans.per.second=1000000,"
            + "otel.traces.exporter=none,otel.metrics.exporter=none")
        .run(TIMEOUT, "io.memspan.itapp.Conformance");
    Matcher p = summary(plain);
    Matcher a = summary(armed);
    assertEquals("0 0", p.group(2) + " " + p.group(3), "baseline: " + plain.stdout());
    assertEquals(0, armed.exit(), armed.stdout() + armed.stderr());
    assertEquals("0", a.group(2), armed.stdout());
    assertEquals("0", a.group(3), armed.stdout());
    assertEquals(p.group(1), a.group(1), "same number of tests run");
    assertTrue(Long.parseLong(a.group(1)) > 10_000, a.group());
    assertTrue(armed.stderr().contains("memspan: kernel source"), armed.stderr());
  }

  private static Matcher summary(ForkedJvm.Result r) {
    Matcher m = SUMMARY.matcher(r.stdout());
    assertTrue(m.find(), r.stdout() + r.stderr());
    return m;
  }
}
