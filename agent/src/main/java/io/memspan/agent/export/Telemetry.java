package io.memspan.agent.export;

import io.memspan.agent.op.Advice;
import io.memspan.agent.op.Op;
import java.util.List;

/**
 * Where kept ops leave the agent: OTel spans over OTLP (Netty transport) plus metrics. Every
 * method is non-blocking for the caller: queues are bounded and every drop is counted.
 */
public interface Telemetry extends AutoCloseable {

  /**
   * Queues one op as a span; false (and counted as dropped) when the export queue is full or the
   * exporter is closed. Never blocks. The spans-per-second cap is applied before this, by
   * sampling ({@code memspan.spans.per.second}).
   */
  boolean emit(Op op);

  /** Publishes the current right-sizing advice, one {@code memspan.advice} span per site. */
  void emitAdvice(List<Advice> advice);

  /** Adds counters to the periodic metric export. */
  void register(MetricSource source);

  /**
   * Whether kept ops become spans at all ({@code otel.traces.exporter=none}: no): when not, the
   * caller need not build or queue them, and {@link #emit} refuses every op.
   */
  default boolean exportsSpans() {
    return true;
  }

  /** Flushes what it can within the configured timeout, then releases threads and sockets. */
  @Override
  void close();

  /** As {@link #close()}, but returns by {@code deadlineNanos} ({@link System#nanoTime()}). */
  default void closeBy(long deadlineNanos) {
    close();
  }
}
