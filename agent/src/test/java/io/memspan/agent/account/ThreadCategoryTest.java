package io.memspan.agent.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadCategoryTest {
  @Test
  void namesHotSpotThreads() {
    assertEquals(ThreadCategory.GC, ThreadCategory.ofIdleThread("GC Thread#0\n"));
    assertEquals(ThreadCategory.GC, ThreadCategory.ofIdleThread("G1 Conc#0"));
    assertEquals(ThreadCategory.GC, ThreadCategory.ofIdleThread("G1 Refine#0"));
    assertEquals(ThreadCategory.GC, ThreadCategory.ofIdleThread("VM Thread"));
    assertEquals(ThreadCategory.JIT, ThreadCategory.ofIdleThread("C2 CompilerThre"));
    assertEquals(ThreadCategory.JIT, ThreadCategory.ofIdleThread("C1 CompilerThre"));
    assertEquals(ThreadCategory.OTHER, ThreadCategory.ofIdleThread("Reference Handl"));
    assertEquals(ThreadCategory.OTHER, ThreadCategory.ofIdleThread("memspan-poller"));
    assertEquals(ThreadCategory.APPLICATION_OUTSIDE_OPS, ThreadCategory.ofIdleThread("java"));
    assertEquals(ThreadCategory.APPLICATION_OUTSIDE_OPS,
        ThreadCategory.ofIdleThread("pool-1-thread-3"));
  }

  @Test
  void ownThreadIsApplication() {
    // this JVM's own main test thread has a kernel name; it is not GC or JIT
    int tid = (int) ProcessHandle.current().pid();
    assertEquals(ThreadCategory.APPLICATION_OUTSIDE_OPS, IdleAccounting.category(tid));
  }
}
