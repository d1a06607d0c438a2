package io.memspan.agent.it;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpHttpReceiver;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Semantics untouched: Guava's collection conformance suites for every instrumented structure,
 * in a JVM where every growth is armed (threshold 0), kept and walked for its call site. The
 * suites also run on structures built with the smallest initial capacity, and the agent's own
 * {@code memspan.ops} metric shows that every structure's woven growth method ran under them.
 */
class GuavaConformanceIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern SUMMARY =
      Pattern.compile("conformance: (\\d+) run, (\\d+) failures, (\\d+) errors");
  private static final String[] JARS = {
    "guava-", "failureaccess-", "junit-4", "hamcrest-core-", "jspecify-"};
  private static final String APP = "io.memspan.itapp.Conformance";
  /** The structure types (memspan.structure.type: the instance's simple class name) exercised. */
  private static final List<String> TYPES = List.of("ArrayList", "Vector", "ArrayDeque",
      "PriorityQueue", "HashMap", "LinkedHashMap", "ConcurrentHashMap", "IdentityHashMap",
      "WeakHashMap", "Hashtable");

  @Test
  void suitesPassWithEveryOpArmed() throws Exception {
    ForkedJvm.Result plain = ForkedJvm.java().withJarsNamed(JARS).run(TIMEOUT, APP);
    Matcher p = summary(plain);
    assertEquals("0 0", p.group(2) + " " + p.group(3), "baseline: " + plain.stdout());

    ForkedJvm.Result r;
    Map<String, Long> armed;
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      r = ForkedJvm.java().withJarsNamed(JARS).agent(args(rx)).run(TIMEOUT, APP);
      armed = opsByType(rx, r);
    }
    Matcher a = summary(r);
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    assertEquals("0", a.group(2), r.stdout());
    assertEquals("0", a.group(3), r.stdout());
    assertEquals(p.group(1), a.group(1), "same number of tests run");
    assertTrue(Long.parseLong(a.group(1)) > 10_000, a.group());
    assertTrue(r.stderr().contains("memspan: kernel source"), r.stderr());

    // The same JVM running only the default-capacity suites (every suite still built): the
    // harness's own structures, the JDK's and Guava's, grow ArrayLists, HashMaps, even Vectors,
    // ArrayDeques and ConcurrentHashMaps (class loading) without any suite. What the full run
    // counts beyond this is growth the smallest-capacity suites' structures made.
    ForkedJvm.Result d;
    Map<String, Long> defaultsOnly;
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      d = ForkedJvm.java().withJarsNamed(JARS).agent(args(rx)).run(TIMEOUT, APP, "default");
      defaultsOnly = opsByType(rx, d);
    }
    Matcher m = summary(d);
    assertEquals("0 0", m.group(2) + " " + m.group(3), d.stdout());
    String counts = a.group() + "; memspan.ops by type, all suites: " + armed
        + "; default-capacity suites only: " + defaultsOnly;
    System.out.println(counts);
    for (String type : TYPES) {
      assertTrue(armed.get(type) > 0, "no " + type + " op counted; " + counts + "\n"
          + r.stderr());
      assertTrue(armed.get(type) > defaultsOnly.get(type), "the smallest-capacity suites grew"
          + " no " + type + "; " + counts + "\n" + r.stderr() + "\n" + d.stderr());
    }
  }

  /** Every op armed and kept; metrics only, to a receiver in this test, sent at exit. */
  private static String args(OtlpHttpReceiver rx) {
    return "instrument=premain,threshold=0,sample.rate=1,spans.per.second=1000000,"
        + "otel.traces.exporter=none,otel.exporter.otlp.endpoint=" + rx.endpoint();
  }

  /** The final memspan.ops (sent at exit) per structure type, kept or not. */
  private static Map<String, Long> opsByType(OtlpHttpReceiver rx, ForkedJvm.Result r) {
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), WAIT);
    Map<String, Long> byType = new LinkedHashMap<>();
    for (String type : TYPES) {
      byType.put(type, sum(ops, Map.of("memspan.structure.type", type)));
    }
    return byType;
  }

  private static Matcher summary(ForkedJvm.Result r) {
    Matcher m = SUMMARY.matcher(r.stdout());
    assertTrue(m.find(), r.stdout() + r.stderr());
    return m;
  }
}
