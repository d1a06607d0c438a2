package io.memspan.collector.spool;

/**
 * A consumer fed from the spool in order, at least once: the embedded store and each forwarder.
 * Each sink has its own durable cursor, so a slow or failing upstream never holds back the store.
 */
public interface SpoolSink extends AutoCloseable {

  /** Stable name: names the sink's cursor file and its metrics ({@code upstream:http://...}). */
  String name();

  /**
   * Handles one entry. Returns normally when done (the cursor advances); throws
   * {@link RetryLaterException} to be called again with the same entry after the given delay.
   * Any other exception is logged, counted, and also retried with backoff.
   */
  void deliver(SpoolEntry entry) throws Exception;

  @Override
  default void close() {}
}
