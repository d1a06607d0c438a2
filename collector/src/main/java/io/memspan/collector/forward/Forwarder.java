package io.memspan.collector.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.RetryLaterException;
import io.memspan.collector.spool.SpoolEntry;
import io.memspan.collector.spool.SpoolSink;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * A sink that sends spooled entries to a remote backend. Subclasses speak the protocol and judge
 * each attempt; this class turns the judgement into the spool's contract (return = done, {@link
 * RetryLaterException} = same entry again later) and counts everything.
 *
 * <p>In flight: one request per forwarder at a time ({@link #deliver} blocks the calling
 * dispatcher thread until the upstream answers or the request times out), so memory held for an
 * upstream is bounded by one entry however slow it is; the backlog stays in the spool.
 */
public abstract class Forwarder implements SpoolSink {
  private final String name;
  private final ForwarderStats stats;
  final Endpoint endpoint;
  final ForwarderOptions options;

  Forwarder(String name, Endpoint endpoint, ForwarderOptions options, Metrics metrics) {
    this.name = name;
    this.endpoint = endpoint;
    this.options = options;
    this.stats = new ForwarderStats(metrics, name);
  }

  @Override
  public final String name() {
    return name;
  }

  public final ForwarderStats stats() {
    return stats;
  }

  @Override
  public final void deliver(SpoolEntry entry) throws RetryLaterException, InterruptedException {
    OtlpItems items;
    try {
      items = OtlpItems.of(entry);
    } catch (IOException e) {
      // The spool holds only requests the receiver parsed, so this is corruption: no retry helps.
      stats.droppedRequest("unreadable_entry", 0, "entry " + entry.position() + ": " + e.getMessage());
      Log.error("forward_dropped", "sink", name, "position", entry.position(), "reason", "unreadable_entry",
          "error", e.toString());
      return;
    }
    Outcome outcome;
    try {
      outcome = attempt(entry);
    } catch (InvalidProtocolBufferException e) {
      // Decoding the entry (Zipkin converts it) failed: the same bytes will fail again.
      outcome = new Outcome.Dropped("unreadable_entry", "entry " + entry.position() + ": " + e.getMessage());
    } catch (IOException | TimeoutException e) {
      outcome = new Outcome.Retry(describe(e), 0);
    }
    // Java 17 bytecode: no pattern switch, so an instanceof chain over the sealed outcomes.
    if (outcome instanceof Outcome.Delivered d) {
      stats.forwarded(items, d.rejectedItems());
      if (d.rejectedItems() > 0) {
        stats.droppedItems(d.rejectReason(), d.rejectedItems());
        Log.warn("forward_partially_rejected", "sink", name, "position", entry.position(),
            "reason", d.rejectReason(), "items", d.rejectedItems(), "error", d.rejectMessage());
      }
    } else if (outcome instanceof Outcome.NotApplicable) {
      stats.skippedNotApplicable();
    } else if (outcome instanceof Outcome.Dropped d) {
      stats.droppedRequest(d.reason(), items.total(), d.error());
      Log.warn("forward_dropped", "sink", name, "position", entry.position(), "reason", d.reason(),
          "items", items.total(), "error", d.error());
    } else if (outcome instanceof Outcome.Retry r) {
      stats.retried(r.error());
      // The dispatcher logs the retry with its delay; one line per attempt is enough.
      throw new RetryLaterException(r.error(), r.delayMillis());
    }
  }

  /**
   * Sends one entry and judges the answer. Transport failures (refused connection, reset,
   * timeout) may be thrown as {@link IOException} / {@link TimeoutException}: they mean retry.
   */
  abstract Outcome attempt(SpoolEntry entry)
      throws IOException, TimeoutException, InterruptedException;

  /** The connection this forwarder sends on. */
  abstract UpstreamClient client();

  /** TCP connections opened so far; keep-alive keeps it at one while the upstream is healthy. */
  public final long connections() {
    return client().connections();
  }

  @Override
  public final void close() {
    client().close();
    stats.unregister();
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }
}
