package io.memspan.agent.export;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to every span the agent tried to send: queued, dropped because the queue was
 * full (or the exporter closed), exported, or failed to send. Published as metrics and as the one
 * line printed at exit, so loss is always visible.
 */
public final class ExportLedger implements MetricSource {
  final LongAdder queued = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder exported = new LongAdder();
  final LongAdder failed = new LongAdder();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  /** the last export's connect failure, if it had one; null once an export arrives */
  private volatile ConnectFailure lastConnectFailure;
  private final OpQueue queue;
  private final String authority;

  /** @param authority {@code host:port} the spans go to, for the exit line */
  ExportLedger(OpQueue queue, String authority) {
    this.queue = queue;
    this.authority = authority;
  }

  String authority() {
    return authority;
  }

  public long queued() {
    return queued.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  public long exported() {
    return exported.sum();
  }

  public long failed() {
    return failed.sum();
  }

  /** Spans handed to the SDK whose export has not finished yet. */
  long inFlight(long handed) {
    return handed - exported.sum() - failed.sum();
  }

  void failure(String why) {
    failure(why, null);
  }

  /** An export failed; {@code connect} says how, when it never reached the collector. */
  void failure(String why, ConnectFailure connect) {
    lastFailure.set(why);
    lastConnectFailure = connect;
  }

  /** An export reached the collector: an earlier connect failure is history. */
  void arrived() {
    lastConnectFailure = null;
  }

  /** The reason of the most recent failed export, or null. */
  public String lastFailure() {
    return lastFailure.get();
  }

  @Override
  public void collect(MetricWriter w) {
    w.counter(SpanSchema.METRIC_SPANS_QUEUED, "{span}", "Kept ops queued for export", queued());
    w.counter(SpanSchema.METRIC_SPANS_DROPPED, "{span}",
        "Spans dropped because the export queue was full", dropped());
    w.counter(SpanSchema.METRIC_SPANS_EXPORTED, "{span}",
        "Spans the collector acknowledged", exported());
    w.counter(SpanSchema.METRIC_SPANS_FAILED, "{span}",
        "Spans whose export failed (collector absent, refusing or too slow)", failed());
    w.gauge(SpanSchema.METRIC_QUEUE_SIZE, "{span}", "Ops waiting in the export queue",
        queue.size());
  }

  /**
   * The one line printed at exit.
   *
   * @param exitTimeoutMillis how long the exit waited ({@code memspan.export.shutdown.timeout})
   */
  String summary(String destination, long exitTimeoutMillis) {
    StringBuilder sb = new StringBuilder("memspan: export to ").append(destination).append(": ")
        .append(exported()).append(" spans sent, ")
        .append(dropped()).append(" dropped (queue full), ")
        .append(failed()).append(" failed");
    String why = lastFailure();
    if (failed() > 0 && why != null) {
      sb.append(" (last: ").append(why).append(')');
    }
    long unsent = queued() - dropped() - exported() - failed();
    if (unsent > 0) {
      sb.append(", ").append(unsent).append(" unsent at exit");
      ConnectFailure f = lastConnectFailure;
      if (f == null || !f.definite()) {
        // still connecting, or connected and waiting for the response, when the exit's time ran out
        sb.append(" (collector at ").append(authority).append(" did not answer within the ")
            .append(exitTimeoutMillis).append(" ms exit timeout)");
      }
    }
    return sb.toString();
  }
}
