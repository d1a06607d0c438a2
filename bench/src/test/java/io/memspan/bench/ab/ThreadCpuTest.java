package io.memspan.bench.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.bench.ab.ThreadCpu.Category;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void threadsAreSortedByWhoTheyWorkFor() {
    assertEquals(Category.AGENT, Category.of("memspan-poller"));
    assertEquals(Category.JIT, Category.of("C2 CompilerThre"));
    assertEquals(Category.JIT, Category.of("C1 CompilerThre"));
    assertEquals(Category.GC, Category.of("GC Thread#1"));
    assertEquals(Category.GC, Category.of("G1 Conc#0"));
    assertEquals(Category.JVM, Category.of("VM Periodic Tas"));
    assertEquals(Category.APP, Category.of("java"));
    assertEquals(Category.APP, Category.of("pool-1-thread-1"));
  }

  @Test
  void statFieldsAreCountedAfterTheCommandNameEvenWithSpacesAndParentheses() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    assertEquals(7 + 5, ThreadCpu.ticks("42 (a) b (c)) S 1 42 42 0 -1 4194560 10 0 0 0 7 5 0 0"));
  }

  @Test
  void aSpinningApplicationThreadShowsUpAsApplicationTime() throws Exception {
    ThreadCpu before = ThreadCpu.now();
    long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long x = 0;
    while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0 < 300_000_000L) {
      x += System.nanoTime() & 1;
    }
    Map<Category, Long> d = before.until(ThreadCpu.now());
    // the test thread ("main" or a surefire worker) spun ≥ 300 ms; ticks are 10 ms
    assertTrue(d.get(Category.APP) >= 290_000_000L, d + " " + x);
    assertEquals(d, ThreadCpu.parse(ThreadCpu.format(d)));
    assertNull(ThreadCpu.parse("memspan-ab iteration steady 1 2 ab"));
  }
}
