package io.memspan.agent.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memspan.agent.testing.InertProbe;
import io.memspan.bpf.SlotCounters;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The idle counters of one thread across two kernel sources (memspan detach, then attach): the
 * second source's counters start at zero, and the exported cumulative sums must not go back.
 */
class IdleAccountingTest {

  @Test
  void countsOfAClosedSourceStayInTheSumsOfItsSuccessor() {
    int tid = (int) ProcessHandle.current().pid(); // the main thread: a live comm to categorize
    ThreadCategory category = IdleAccounting.category(tid);
    AgentMetrics metrics = new AgentMetrics();
    IdleAccounting idle = new IdleAccounting();

    idle.update(new Idle(Map.of(tid, counters(120, 8192))), metrics);
    assertEquals(120, metrics.faults(category));

    idle.update(new Idle(Map.of(tid, counters(150, 8192))), metrics);
    idle.rebase(); // the source is closed after this last look
    assertEquals(150, metrics.faults(category));

    idle.update(new Idle(Map.of(tid, counters(7, 0))), metrics);
    assertEquals(157, metrics.faults(category), "the new source's 7 on top of the old 150");
    idle.update(new Idle(Map.of(tid, counters(30, 0))), metrics);
    assertEquals(180, metrics.faults(category));
  }

  @Test
  void aThreadsSumsNeverGoBack() {
    int tid = (int) ProcessHandle.current().pid();
    ThreadCategory category = IdleAccounting.category(tid);
    AgentMetrics metrics = new AgentMetrics();
    IdleAccounting idle = new IdleAccounting();
    idle.update(new Idle(Map.of(tid, counters(150, 8192))), metrics);
    // a thread that ended between two looks: its table entry read, its slot's part not (yet)
    idle.update(new Idle(Map.of(tid, counters(100, 4096))), metrics);
    assertEquals(150, metrics.faults(category), "an OTLP cumulative counter must not go back");
    idle.update(new Idle(Map.of(tid, counters(170, 8192))), metrics);
    assertEquals(170, metrics.faults(category));
  }

  private static SlotCounters counters(long userFaults, long mmapBytes) {
    SlotCounters c = new SlotCounters();
    c.userFaults = userFaults;
    c.mmapBytes = mmapBytes;
    return c;
  }

  /** A kernel source reduced to its idle counters. */
  private static final class Idle extends InertProbe {
    private final Map<Integer, SlotCounters> byTid;

    Idle(Map<Integer, SlotCounters> byTid) {
      super("test");
      this.byTid = byTid;
    }

    @Override
    public void forEachIdleThread(IdleThreadVisitor visitor) {
      byTid.forEach(visitor::visit);
    }
  }
}
