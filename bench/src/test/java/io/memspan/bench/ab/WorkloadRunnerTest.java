package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The child side of the A/B, run as the runner runs it: a fresh JVM on this class path. */
class WorkloadRunnerTest {

  @Test
  void reportsColdWarmupAndSteadyRunsWhoseCpuTheReapedChildTotalCovers() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long cpu0 = ReapedChildrenCpu.nanos();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        WorkloadRunner.class.getName(), "JsonOrders", "3000", "1", "2")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    long processCpu = ReapedChildrenCpu.nanos() - cpu0;

    List<IterationLine> its = out.lines().map(IterationLine::parse).filter(Objects::nonNull).toList();
    assertEquals(List.of(IterationLine.COLD, IterationLine.WARMUP, IterationLine.STEADY,
        IterationLine.STEADY), its.stream().map(IterationLine::phase).toList(), out);
    String expected = Long.toHexString(JsonOrders.run(3000));
    long iterationsCpu = 0;
    for (IterationLine it : its) {
      assertEquals(expected, it.checksum());
      assertTrue(it.wallNanos() > 0, it.toString());
      iterationsCpu += it.cpuNanos();
    }
    // The child reads its CPU in 10 ms ticks; the whole process (JVM start and exit too) from
    // getrusage must cover the iterations' share.
    assertTrue(iterationsCpu > 0, out);
    assertTrue(processCpu + its.size() * 10_000_000L >= iterationsCpu,
        processCpu + " ns for the process, " + iterationsCpu + " ns in its iterations");
  }

  @Test
  void badArgumentsNameTheProblem() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> WorkloadRunner.main(new String[] {"JsonOrders", "default", "-1", "2"}));
    assertEquals("warmups must be 0 or more, got '-1'", e.getMessage());
  }

  @Test
  void workloadsAreAllByDefaultAndAnUnknownOneIsNamed() {
    assertEquals(List.of("JsonOrders", "SqlOrders"), WorkloadRunner.chosen(null));
    assertEquals(List.of("SqlOrders"), WorkloadRunner.chosen(List.of("SqlOrders")));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> WorkloadRunner.chosen(List.of("Lucene")));
    assertEquals("--workloads: unknown workload 'Lucene', expected JsonOrders or SqlOrders or "
        + "LuceneIndex", e.getMessage());
    assertEquals(List.of("LuceneIndex"), WorkloadRunner.chosen(List.of("LuceneIndex")));
  }
}
