package io.memspan.agent.export;

import io.memspan.agent.op.Advice;
import io.memspan.agent.op.Op;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Telemetry} on the OpenTelemetry SDK. Application threads only append to a bounded
 * lock-free queue; one daemon thread ({@code memspan-export}) turns queued ops into spans and
 * hands them to the SDK's BatchSpanProcessor. That thread never lets the SDK hold more spans than
 * its queue can take, so the SDK never drops silently: every loss happens, and is counted, at
 * {@link #emit}, or is an export the collector did not acknowledge.
 */
final class OtelTelemetry implements Telemetry {
  private final OpQueue queue;
  private final ExportLedger ledger;
  private final SdkTracerProvider tracerProvider;
  private final SdkMeterProvider meterProvider;
  private final MetricsBridge metrics;
  private final ExitAwareRetry retry;
  private final OpSpans spans;
  private final int sdkQueueCapacity;
  private final long shutdownTimeoutMillis;
  private final String destination;
  private final PrintStream exitOut;
  private final Thread worker;
  private volatile boolean closing;
  private volatile long abandonAtNanos = Long.MAX_VALUE;
  private volatile boolean closed;
  /** Spans given to the SDK; written by the worker only. */
  private volatile long handed;
  /**
   * The worker found the queue empty and is about to park, or parked: the next enqueue unparks it.
   * An idle worker that woke on a timer instead cost ~57 us of CPU per wake-up on these VMs
   * (2.8 ms a second at 50 wake-ups), the largest share of an idle agent's CPU.
   */
  private volatile boolean workerIdle;

  OtelTelemetry(OpQueue queue, ExportLedger ledger, SdkTracerProvider tracerProvider,
      SdkMeterProvider meterProvider, MetricsBridge metrics, ExitAwareRetry retry,
      int sdkQueueCapacity, long shutdownTimeoutMillis, String destination, PrintStream exitOut) {
    this.queue = queue;
    this.ledger = ledger;
    this.tracerProvider = tracerProvider;
    this.meterProvider = meterProvider;
    this.metrics = metrics;
    this.retry = retry;
    this.spans = tracerProvider == null ? null
        : new OpSpans(tracerProvider.get(SpanSchema.SCOPE));
    this.sdkQueueCapacity = sdkQueueCapacity;
    this.shutdownTimeoutMillis = shutdownTimeoutMillis;
    this.destination = destination;
    this.exitOut = exitOut;
    this.worker = new Thread(this::run, "memspan-export");
    worker.setDaemon(true);
    if (spans != null) {
      worker.start();
    }
  }

  @Override
  public boolean exportsSpans() {
    return spans != null;
  }

  @Override
  public boolean emit(Op op) {
    return enqueue(op);
  }

  @Override
  public void emitAdvice(List<Advice> advice) {
    if (advice == null) {
      return;
    }
    for (Advice a : advice) {
      enqueue(a);
    }
  }

  private boolean enqueue(Object item) {
    if (spans == null || item == null) {
      return false;
    }
    ledger.queued.increment();
    if (closing || !queue.offer(item)) {
      ledger.dropped.increment();
      return false;
    }
    if (workerIdle) {
      // once per idle spell, not per item: the worker clears the flag when it wakes
      workerIdle = false;
      LockSupport.unpark(worker);
    }
    return true;
  }

  @Override
  public void register(MetricSource source) {
    if (metrics != null && source != null) {
      metrics.register(source);
    }
  }

  ExportLedger ledger() {
    return ledger;
  }

  private void run() {
    while (true) {
      Object item = queue.poll();
      if (item == null) {
        if (closing) {
          return;
        }
        // Announce the park, then look once more: an enqueue either lands before this second
        // look (and is taken) or sees the flag (and unparks, which a later park consumes).
        workerIdle = true;
        item = queue.poll();
        if (item == null) {
          if (!closing) {
            LockSupport.park(this);
          }
          workerIdle = false;
          continue;
        }
        workerIdle = false;
      }
      // Back-pressure: wait for the collector rather than overflow the SDK's queue; while we
      // wait, our own queue fills and emit() drops (and counts).
      while (ledger.inFlight(handed) >= sdkQueueCapacity) {
        if (System.nanoTime() > abandonAtNanos) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      try {
        if (item instanceof Op) {
          spans.emit((Op) item);
        } else {
          spans.emit((Advice) item);
        }
        handed++;
      } catch (RuntimeException e) {
        ledger.failure("could not build span: " + e);
        ledger.failed.increment();
      }
    }
  }

  @Override
  public void close() {
    closeBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownTimeoutMillis));
  }

  /**
   * Sends what is queued, then the last metrics, and returns by {@code deadline} whatever the
   * collector does: the JVM's exit waits for this. A collector that refuses the connection is not
   * retried from here on (see {@link ExitAwareRetry}); one that answers gets every span; one that
   * does not answer (a connect still timing out) is left behind at the deadline, and the exit line
   * says so.
   */
  @Override
  public void closeBy(long deadline) {
    if (closed) {
      return;
    }
    closed = true;
    retry.exiting();
    abandonAtNanos = deadline;
    closing = true;
    LockSupport.unpark(worker);
    try {
      worker.join(Math.max(1, remainingMillis(deadline)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (tracerProvider != null) {
      join(tracerProvider.shutdown(), deadline);
    }
    if (meterProvider != null) {
      // names first reported since the last collection (a structure type first grown in the
      // last interval) get their instruments now, or the final export would leave them out
      metrics.discover();
      join(shutdownOffThisThread(meterProvider), deadline);
    }
    if (tracerProvider != null && exitOut != null) {
      exitOut.println(ledger.summary(destination, shutdownTimeoutMillis));
    }
  }

  /**
   * The SDK's metric reader makes its final export inside {@code shutdown()} and waits for it
   * there (up to 5 s, longer than our deadline): so it runs on its own daemon thread, which the
   * JVM abandons at exit if the deadline passes first.
   */
  private static CompletableResultCode shutdownOffThisThread(SdkMeterProvider provider) {
    CompletableResultCode done = new CompletableResultCode();
    Thread t = new Thread(() -> {
      CompletableResultCode r = provider.shutdown();
      r.whenComplete(() -> {
        if (r.isSuccess()) {
          done.succeed();
        } else {
          done.fail();
        }
      });
    }, "memspan-metrics-shutdown");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private static void join(CompletableResultCode result, long deadline) {
    result.join(Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
  }

  private static long remainingMillis(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }
}
