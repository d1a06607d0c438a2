package io.memspan.agent.export.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Admits one sender's exports to the wire: at most {@link SenderLimits#maxInFlight()} at once
 * (more fail at once, so a slow collector can never pile up memory or threads), none after
 * shutdown. Each admitted export runs under its {@link Retrier} with one deadline, and its payload
 * is released exactly once, when the outcome is known.
 */
final class InFlightExports {
  /** Serializes the export request; may fail (the message could not be written or compressed). */
  interface Payload {
    ByteBuf build() throws IOException;
  }

  private final int maxInFlight = SenderLimits.maxInFlight();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean shutdown = new AtomicBoolean();

  int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Sends one export, reporting exactly one of {@code onResponse} / {@code onError}.
   *
   * @param attempt one attempt with the payload (each attempt sends a retained duplicate of it)
   */
  <R> void send(Payload payload, EventLoop loop, RetryPolicy policy, Duration timeout,
      Predicate<R> retryableResponse, Function<ByteBuf, Retrier.Attempt<R>> attempt,
      Consumer<R> onResponse, Consumer<Throwable> onError) {
    if (shutdown.get()) {
      onError.accept(new IOException("sender is shut down"));
      return;
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      onError.accept(new IOException("too many exports in flight (" + maxInFlight
          + "): collector too slow"));
      return;
    }
    ByteBuf body;
    try {
      body = payload.build();
    } catch (IOException | RuntimeException e) {
      inFlight.decrementAndGet();
      onError.accept(e);
      return;
    }
    new Retrier<R>(loop, policy, timeout.toNanos(), retryableResponse, attempt.apply(body),
        (response, error) -> {
          body.release();
          inFlight.decrementAndGet();
          if (error != null) {
            onError.accept(error);
          } else {
            onResponse.accept(response);
          }
        }).start();
  }

  /** Refuses every later export; true only for the first call, which should free the connections. */
  boolean shutdown() {
    return shutdown.compareAndSet(false, true);
  }

  /** What a Netty failure becomes: an IOException, which the retry policy may retry. */
  static Throwable asIo(Throwable t) {
    return t instanceof IOException ? t : new IOException(String.valueOf(t.getMessage()), t);
  }
}
