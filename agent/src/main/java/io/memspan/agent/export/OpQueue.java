package io.memspan.agent.export;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded hand-off between application threads and the export thread: a lock-free queue
 * with a size cap. {@link #offer} never blocks and never waits; over the cap it refuses.
 */
final class OpQueue {
  private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  OpQueue(int capacity) {
    this.capacity = capacity;
  }

  boolean offer(Object item) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    items.offer(item);
    return true;
  }

  Object poll() {
    Object o = items.poll();
    if (o != null) {
      size.decrementAndGet();
    }
    return o;
  }

  int size() {
    return Math.max(0, size.get());
  }
}
