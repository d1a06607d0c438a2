package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskFaultsTest {

  @Test
  void parsesFieldsAfterACommWithSpacesAndParentheses() {
    String stat = "4242 (my (odd) thread) S 1 4242 4242 0 -1 4194560 1500 0 7 0 3 1 0 0 20 0 30 0 "
        + "987654 123456 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    TaskFaults.TaskStat t = TaskFaults.parse(4242, stat);
    assertEquals(4242, t.tid());
    assertEquals(1500 + 7, t.faults(), "minflt + majflt");
    assertEquals(987654, t.startTime());
  }

  @Test
  void theCallingThreadIsAmongAllThreadsAndFaultsGrow() throws Exception {
    TaskFaults.TaskStat before = TaskFaults.currentThread();
    com.sun.jna.Pointer pages = RusageProbeTest.map64();
    TestLibC.touch(pages, RusageProbeTest.MIB_64);
    RusageProbeTest.unmap(pages);
    TaskFaults.TaskStat after = TaskFaults.currentThread();
    List<TaskFaults.TaskStat> all = TaskFaults.allThreads();

    assertEquals(before.tid(), after.tid());
    assertEquals(before.startTime(), after.startTime());
    assertTrue(after.faults() - before.faults() >= RusageProbeTest.PAGES,
        "faults grew by " + (after.faults() - before.faults()));
    assertTrue(all.stream().anyMatch(t -> t.tid() == after.tid()));
  }
}
