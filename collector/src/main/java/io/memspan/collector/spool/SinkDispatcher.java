package io.memspan.collector.spool;

import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one {@link SpoolSink} from the spool on its own thread, in order, at least once, from the
 * sink's durable cursor. A failing sink is retried with exponential backoff and jitter (or after
 * the delay a {@link RetryLaterException} asks for); it never holds back other sinks or the
 * receiver. Records evicted before the sink got to them are counted as dropped for that sink.
 */
public final class SinkDispatcher implements AutoCloseable {
  static final long BACKOFF_BASE_MILLIS = 100;
  static final long BACKOFF_MAX_MILLIS = 30_000;
  private static final long CURSOR_SAVE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Spool spool;
  private final SpoolSink sink;
  private final Cursor cursor;
  private final Metrics metrics;
  private final Thread thread;
  private final Metrics.Counter delivered;
  private final Metrics.Counter retried;
  private final Metrics.Counter failed;
  private final Metrics.Counter dropped;
  private volatile long position;
  private volatile boolean stopping;
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;

  public SinkDispatcher(Spool spool, SpoolSink sink, Metrics metrics) throws IOException {
    this(spool, sink, metrics, true);
  }

  /**
   * @param durableCursor false for a sink that keeps nothing across restarts (the in-memory store):
   *     it is then fed from the oldest spooled record at every start, so after a restart it again
   *     holds everything acknowledged that is still spooled
   */
  public SinkDispatcher(Spool spool, SpoolSink sink, Metrics metrics, boolean durableCursor) throws IOException {
    this.spool = spool;
    this.sink = sink;
    this.metrics = metrics;
    this.cursor = new Cursor(spool.directory(), sink.name());
    long saved = durableCursor ? cursor.load() : -1;
    // A new sink starts at the oldest record still spooled: it receives everything acknowledged.
    this.position = saved < 0 ? spool.firstPosition() : saved;
    String name = sink.name();
    delivered = metrics.counter("memspan_collector_sink_delivered_total",
        "Spool records a sink accepted", "sink", name);
    retried = metrics.counter("memspan_collector_sink_retried_total",
        "Delivery attempts repeated after a failure or a retry-later", "sink", name);
    failed = metrics.counter("memspan_collector_sink_failed_total",
        "Delivery attempts that threw (each is retried)", "sink", name);
    dropped = metrics.counter("memspan_collector_sink_dropped_total",
        "Records evicted from the spool before this sink took them", "sink", name);
    metrics.gauge("memspan_collector_sink_lag_records", "Spooled records a sink has not taken yet",
        () -> Math.max(0, spool.endPosition() - position), "sink", name);
    thread = new Thread(this::run, "sink-" + name);
    thread.setDaemon(true);
  }

  public SpoolSink sink() {
    return sink;
  }

  /** Next position the sink has not accepted. */
  public long position() {
    return position;
  }

  public void start() {
    Log.info("sink_start", "sink", sink.name(), "position", position, "spool_end", spool.endPosition());
    thread.start();
  }

  private void run() {
    long lastSave = System.nanoTime();
    long savedPosition = position;
    try (SpoolReader reader = spool.reader(position)) {
      while (true) {
        if (stopping && (position >= spool.endPosition() || System.nanoTime() > drainDeadlineNanos)) {
          break;
        }
        SpoolEntry entry;
        try {
          entry = reader.next();
        } catch (IOException e) {
          Log.error("sink_read_failed", "sink", sink.name(), "position", reader.position(), "error", e.toString());
          sleep(1000);
          continue;
        }
        if (reader.skipped() > countedSkipped) {
          long gone = reader.skipped() - countedSkipped;
          countedSkipped = reader.skipped();
          dropped.add(gone);
          Log.warn("sink_dropped", "sink", sink.name(), "records", gone, "reason", "evicted_before_delivery");
        }
        if (entry == null) {
          if (position != savedPosition) {
            savedPosition = save(position);
            lastSave = System.nanoTime();
          }
          if (stopping) {
            break;
          }
          spool.awaitBeyond(reader.position(), 500);
          continue;
        }
        if (!deliverWithRetry(entry)) {
          break; // stopping while the sink was failing: the cursor stays before this entry
        }
        position = entry.position() + 1;
        delivered.inc();
        if (System.nanoTime() - lastSave > CURSOR_SAVE_INTERVAL_NANOS) {
          savedPosition = save(position);
          lastSave = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      save(position);
    }
  }

  private long countedSkipped; // dispatcher thread only

  private boolean deliverWithRetry(SpoolEntry entry) throws InterruptedException {
    int attempt = 0;
    while (true) {
      long delay;
      try {
        sink.deliver(entry);
        return true;
      } catch (RetryLaterException e) {
        delay = e.delayMillis() > 0 ? e.delayMillis() : backoff(attempt);
        Log.warn("sink_retry_later", "sink", sink.name(), "position", entry.position(),
            "delay_ms", delay, "reason", e.getMessage());
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failed.inc();
        delay = backoff(attempt);
        Log.warn("sink_failed", "sink", sink.name(), "position", entry.position(), "attempt", attempt + 1,
            "delay_ms", delay, "error", e.toString());
      }
      attempt++;
      if (stopping && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > drainDeadlineNanos) {
        return false;
      }
      retried.inc();
      sleep(delay);
      if (stopping && System.nanoTime() > drainDeadlineNanos) {
        return false;
      }
    }
  }

  /** Exponential backoff with full jitter in its upper half: base·2^attempt, capped. */
  static long backoff(int attempt) {
    long ceiling = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_BASE_MILLIS << Math.min(attempt, 20));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  private void sleep(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!Thread.currentThread().isInterrupted()) {
      long left = end - System.nanoTime();
      if (left <= 0 || (stopping && System.nanoTime() > drainDeadlineNanos)) {
        return;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
    throw new InterruptedException();
  }

  private long save(long pos) {
    try {
      cursor.save(pos);
    } catch (IOException e) {
      Log.warn("sink_cursor_save_failed", "sink", sink.name(), "error", e.toString());
    }
    return pos;
  }

  /**
   * Stops after giving the sink up to {@code drainMillis} to catch up with what is spooled, then
   * saves the cursor and closes the sink.
   */
  public void stop(long drainMillis) {
    drainDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
    stopping = true;
    try {
      thread.join(drainMillis + 2_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      sink.close();
    } catch (Exception e) {
      Log.warn("sink_close_failed", "sink", sink.name(), "error", e.toString());
    }
    metrics.removeGauge("memspan_collector_sink_lag_records", "sink", sink.name());
    Log.info("sink_stopped", "sink", sink.name(), "position", position, "delivered", delivered.get());
  }

  @Override
  public void close() {
    stop(2_000);
  }
}
