package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two threads armed at the same time with different ops: each op sees only its own thread. */
class ConcurrentAttributionTest {
  @RegisterExtension
  static final BccProbeExtension bcc = new BccProbeExtension();

  @Test
  void noCrossAttribution() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    ArmedOp.Worker a = new ArmedOp.Worker(bcc.probe(), 1001, 64L << 20, barrier);
    ArmedOp.Worker b = new ArmedOp.Worker(bcc.probe(), 2002, 16L << 20, barrier);
    Thread ta = new Thread(a, "memspan-test-worker-1001");
    Thread tb = new Thread(b, "memspan-test-worker-2002");
    ta.start();
    tb.start();
    ta.join();
    tb.join();
    List<SyscallRecord> records = bcc.drain();
    a.assertOnlyItsOwnMapping(records);
    b.assertOnlyItsOwnMapping(records);
    assertTrue(a.tid != b.tid && a.tid > 0 && b.tid > 0, a.tid + " " + b.tid);
  }
}
