package io.memspan.collector.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkDispatcherTest {
  @TempDir Path dir;

  static final class RecordingSink implements SpoolSink {
    final List<Long> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger retryLaterLeft = new AtomicInteger();
    volatile boolean closed;

    @Override
    public String name() {
      return "upstream:http://127.0.0.1:1/x";
    }

    @Override
    public void deliver(SpoolEntry entry) throws Exception {
      if (retryLaterLeft.getAndDecrement() > 0) {
        throw new RetryLaterException("503 Retry-After", 30);
      }
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("connection refused");
      }
      seen.add(entry.position());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    while (!c.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out");
      Thread.sleep(10);
    }
  }

  @Test
  void deliversInOrderRetriesAndResumesFromItsCursor() throws Exception {
    Metrics m = new Metrics();
    RecordingSink sink = new RecordingSink();
    sink.retryLaterLeft.set(2);
    sink.failuresLeft.set(2);
    try (Spool spool = Spool.open(dir, 1 << 20, 4096, m)) {
      SinkDispatcher d = new SinkDispatcher(spool, sink, m);
      d.start();
      for (int i = 0; i < 20; i++) {
        spool.append(Signal.TRACES, i, new byte[100]).get();
      }
      waitFor(() -> sink.seen.size() == 20);
      assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), sink.seen);
      assertEquals(20, m.value("memspan_collector_sink_delivered_total", "sink", sink.name()));
      assertEquals(4, m.value("memspan_collector_sink_retried_total", "sink", sink.name()));
      assertEquals(2, m.value("memspan_collector_sink_failed_total", "sink", sink.name()));
      assertEquals(0, m.value("memspan_collector_sink_lag_records", "sink", sink.name()));
      d.stop(1000);
      assertTrue(sink.closed);
      for (int i = 20; i < 25; i++) {
        spool.append(Signal.TRACES, i, new byte[100]).get();
      }
      RecordingSink again = new RecordingSink();
      SinkDispatcher d2 = new SinkDispatcher(spool, again, m);
      assertEquals(20, d2.position(), "the cursor survives a restart of the sink");
      d2.start();
      waitFor(() -> again.seen.size() == 5);
      assertEquals(List.of(20L, 21L, 22L, 23L, 24L), again.seen);
      d2.stop(1000);
    }
  }

  @Test
  void recordsEvictedBeforeDeliveryAreCountedAsDroppedForThatSink() throws Exception {
    Metrics m = new Metrics();
    int record = RecordFormat.recordBytes(1000);
    try (Spool spool = Spool.open(dir, 3L * 10 * record, 10L * record, m)) {
      RecordingSink sink = new RecordingSink();
      SinkDispatcher d = new SinkDispatcher(spool, sink, m); // not started: it falls behind
      for (int i = 0; i < 100; i++) {
        spool.append(Signal.TRACES, i, new byte[1000]).get();
      }
      long first = spool.firstPosition();
      assertTrue(first > 0);
      d.start();
      waitFor(() -> sink.seen.size() == 100 - first);
      assertEquals(first, sink.seen.get(0));
      assertEquals(first, m.value("memspan_collector_sink_dropped_total", "sink", sink.name()));
      d.stop(1000);
    }
  }

  @Test
  void backoffGrowsAndIsCapped() {
    for (int attempt = 0; attempt < 30; attempt++) {
      long ceiling = Math.min(SinkDispatcher.BACKOFF_MAX_MILLIS, SinkDispatcher.BACKOFF_BASE_MILLIS << Math.min(attempt, 20));
      long b = SinkDispatcher.backoff(attempt);
      assertTrue(b >= ceiling / 2 && b <= ceiling, attempt + ": " + b);
    }
  }
}
