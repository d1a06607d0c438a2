package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.export.MetricSource;
import io.memspan.agent.export.Telemetry;
import io.memspan.agent.op.Advice;
import io.memspan.agent.op.Op;
import io.memspan.agent.probe.Kinds;
import io.memspan.bpf.MemoryProbes;
import io.memspan.testapp.Caller;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The recorder and poller without instrumentation: ops are begun and ended by hand, exactly as
 * the inlined advice would, and the poller's output is captured by an in-memory Telemetry.
 */
class RecorderTest {

  /** Records what the poller emits, for assertions. */
  static final class CapturingTelemetry implements Telemetry {
    final List<Op> ops = new ArrayList<>();
    final List<List<Advice>> advice = new ArrayList<>();

    @Override public synchronized boolean emit(Op op) {
      return ops.add(op);
    }

    @Override public synchronized void emitAdvice(List<Advice> a) {
      advice.add(a);
    }

    @Override public void register(MetricSource source) { }

    @Override public void close() { }
  }

  private final AgentMetrics metrics = new AgentMetrics();
  private final CapturingTelemetry telemetry = new CapturingTelemetry();

  private Recorder recorder(double sampleRate, long spansPerSecond) {
    Recorder r = new Recorder(new ThreadGroup("memspan-test"), 1_000_000, sampleRate,
        spansPerSecond, 64);
    r.useProbe(MemoryProbes.none());
    return r;
  }

  private Poller poller(Recorder r) {
    Poller p = new Poller(r, metrics, new Advisor(16, 64), null, Long.MAX_VALUE);
    p.useTelemetry(telemetry);
    return p;
  }

  @Test
  void keptOpBecomesAnOpWithItsCallSiteAndCapacities() {
    Recorder r = recorder(1.0, 1000);
    Poller p = poller(r);
    ArrayList<Object> list = new ArrayList<>();
    Caller.grow(r, Kinds.ARRAY_LIST, list, 6000, 9000);
    p.stopAndFlush(0);

    assertEquals(1, telemetry.ops.size());
    Op op = telemetry.ops.get(0);
    assertEquals("ArrayList.grow", op.name());
    assertEquals("java.util.ArrayList", op.structureType());
    assertEquals(System.identityHashCode(list), op.structureId());
    assertEquals(6000, op.capacityBefore());
    assertEquals(9000, op.capacityAfter());
    assertEquals(6000, op.size());
    assertEquals(Caller.class.getName(), op.callSite().className());
    assertEquals("grow", op.callSite().methodName());
    assertEquals("Caller.java", op.callSite().fileName());
    assertEquals(Caller.GROW_LINE, op.callSite().lineNumber());
    assertEquals("none", op.kernelSource());
    assertEquals(Thread.currentThread().getName(), op.threadName());
    assertTrue(op.endEpochNanos() >= op.startEpochNanos());
    long nowEpoch = System.currentTimeMillis() * 1_000_000L;
    assertTrue(Math.abs(op.startEpochNanos() - nowEpoch) < 60_000_000_000L, "epoch time");
    int ref = op.bytesCopied() == 6000L * 4 ? 4 : 8;
    assertEquals(6000L * ref, op.bytesCopied());
    assertEquals(16 + 9000L * ref, op.bytesAllocated());
    assertEquals(1, metrics.ops("ArrayList", true));
  }

  @Test
  void uneventfulOpsAtRateZeroAreCountedNotExported() {
    Recorder r = recorder(0.0, 1000);
    Poller p = poller(r);
    HashMap<Object, Object> map = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      r.end(r.begin(Kinds.HASH_MAP, map, null, 4096L << i, 3072L << i), null, 8192L << i);
    }
    p.stopAndFlush(0);
    assertEquals(0, telemetry.ops.size());
    assertEquals(10, metrics.ops("HashMap", false));
    assertEquals(0, metrics.ops("HashMap", true));
  }

  @Test
  void spanCapDropsAreCounted() {
    Recorder r = recorder(1.0, 3);
    Poller p = poller(r);
    Object s = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000 + i, 1000), null, 2000 + i);
    }
    p.stopAndFlush(0);
    assertEquals(3, telemetry.ops.size());
    assertEquals(7, metrics.opsDroppedSpanCap.get());
    assertEquals(10, metrics.ops("ArrayList", false) + metrics.ops("ArrayList", true));
  }

  @Test
  void fullRingDropsAreCountedNotBlocking() {
    Recorder r = recorder(1.0, 100_000);
    Poller p = poller(r);
    Object s = new Object();
    for (int i = 0; i < 100; i++) { // ring of 64, poller not running
      r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000, 1000), null, 2000);
    }
    p.stopAndFlush(0);
    assertEquals(64, telemetry.ops.size());
    assertEquals(36, metrics.opsDroppedQueueFull.get());
    assertEquals(64, metrics.ops("Object", true));
    assertEquals(36, metrics.ops("Object", false), "dropped: counted, not kept");
  }

  @Test
  void aRingFilledToHalfWakesThePollerOncePerBurst() {
    Recorder r = recorder(1.0, 100_000);
    Poller p = poller(r);
    int[] wakes = new int[1];
    r.onBacklog(() -> wakes[0]++);
    Object s = new Object();
    for (int i = 0; i < 31; i++) { // ring of 64
      r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000, 1000), null, 2000);
    }
    assertEquals(0, wakes[0], "below half the poller's own cadence is soon enough");
    r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000, 1000), null, 2000);
    assertEquals(1, wakes[0], "the 32nd op of 64 wakes it");
    for (int i = 0; i < 40; i++) {
      r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000, 1000), null, 2000);
    }
    assertEquals(1, wakes[0]);

    assertTrue(p.cycle(), "a cycle that drained ops says so");
    assertEquals(8, metrics.opsDroppedQueueFull.get(), "72 ops into 64 slots: overflow counted");
    assertFalse(p.cycle(), "an empty one finds nothing");
    for (int i = 0; i < 32; i++) {
      r.end(r.begin(Kinds.ARRAY_LIST, s, null, 1000, 1000), null, 2000);
    }
    assertEquals(2, wakes[0], "the next burst wakes it again");
  }

  @Test
  void nestedOpsOnOneThreadAreIgnored() {
    Recorder r = recorder(1.0, 1000);
    long outer = r.begin(Kinds.ARRAY_LIST, new Object(), null, 10, 10);
    assertEquals(0, r.begin(Kinds.HASH_MAP, new Object(), null, 10, 10));
    r.end(outer, null, 15);
    assertNotEquals(0, r.begin(Kinds.HASH_MAP, new Object(), null, 10, 10));
  }

  @Test
  void internalThreadsAreNotRecorded() throws Exception {
    ThreadGroup internal = new ThreadGroup("memspan-internal");
    Recorder r = new Recorder(internal, 1_000_000, 1.0, 1000, 64);
    long[] id = new long[1];
    Thread t = new Thread(internal, () -> id[0] = r.begin(Kinds.ARRAY_LIST, new Object(), null,
        10, 10), "memspan-x");
    t.start();
    t.join();
    assertEquals(0, id[0]);
  }

  @Test
  void concurrentHashMapHelpersShareTheResizeId() throws Exception {
    Recorder r = recorder(1.0, 1000);
    Poller p = poller(r);
    ConcurrentHashMap<Object, Object> map = new ConcurrentHashMap<>();
    Object[] oldTable = new Object[8192];
    r.end(r.begin(Kinds.CONCURRENT_HASH_MAP, map, oldTable, 8192, 6144), null, 16384);
    Thread helper = new Thread(() -> r.end(
        r.begin(Kinds.CONCURRENT_HASH_MAP_HELPER, map, oldTable, 8192, -1), null, 16384));
    helper.start();
    helper.join();
    p.stopAndFlush(0);
    assertEquals(2, telemetry.ops.size());
    Op a = telemetry.ops.get(0);
    Op b = telemetry.ops.get(1);
    assertNotEquals(0, a.resizeId());
    assertEquals(a.resizeId(), b.resizeId());
    assertNotEquals(a.threadId(), b.threadId());
    assertEquals("ConcurrentHashMap.transfer", b.name());
    assertEquals(0, b.bytesCopied(), "a helper's share is not estimated");
  }

  @Test
  void staticBuilderGrowthsAreLinkedByTheirArrays() {
    Recorder r = recorder(1.0, 1000);
    Poller p = poller(r);
    byte[] a1 = new byte[5000];
    byte[] a2 = new byte[10002];
    byte[] a3 = new byte[20006];
    r.end(r.beginCopy(Kinds.STRING_BUILDER, null, a1, 5000, 5000), a2, 10002);
    r.end(r.beginCopy(Kinds.STRING_BUILDER, null, a2, 10002, 10002), a3, 20006);
    p.stopAndFlush(0);
    assertEquals(2, telemetry.ops.size());
    assertEquals(telemetry.ops.get(0).structureId(), telemetry.ops.get(1).structureId());
    assertEquals(10002, telemetry.ops.get(1).bytesCopied());
    assertEquals(16 + 20006, telemetry.ops.get(1).bytesAllocated());
    assertEquals("java.lang.AbstractStringBuilder", telemetry.ops.get(0).structureType());
  }

  @Test
  void interleavedCopyGrowthsKeepOneNamePerStructureAndTheirClass() {
    Recorder r = recorder(1.0, 1000);
    Poller p = poller(r);
    byte[] a1 = new byte[5000];
    byte[] a2 = new byte[10002];
    byte[] a3 = new byte[20006];
    byte[] b1 = new byte[6000];
    byte[] b2 = new byte[12000];
    byte[] b3 = new byte[24000];
    r.end(r.beginCopy(Kinds.STRING_BUILDER, StringBuilder.class, a1, 5000, 5000), a2, 10002);
    r.end(r.beginCopy(Kinds.BYTE_ARRAY_OUTPUT_STREAM, ByteArrayOutputStream.class, b1, 6000, 6000),
        b2, 12000);
    r.end(r.beginCopy(Kinds.STRING_BUILDER, StringBuilder.class, a2, 10002, 10002), a3, 20006);
    r.end(r.beginCopy(Kinds.BYTE_ARRAY_OUTPUT_STREAM, ByteArrayOutputStream.class, b2, 12000,
        12000), b3, 24000);
    p.stopAndFlush(0);
    assertEquals(4, telemetry.ops.size());
    Op sb1 = telemetry.ops.get(0);
    Op bo1 = telemetry.ops.get(1);
    Op sb2 = telemetry.ops.get(2);
    Op bo2 = telemetry.ops.get(3);
    assertEquals(sb1.structureId(), sb2.structureId());
    assertEquals(bo1.structureId(), bo2.structureId());
    assertNotEquals(sb1.structureId(), bo1.structureId());
    assertEquals("java.lang.StringBuilder", sb2.structureType());
    assertEquals("java.io.ByteArrayOutputStream", bo2.structureType());
  }
}
