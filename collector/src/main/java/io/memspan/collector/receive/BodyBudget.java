package io.memspan.collector.receive;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies that all connections together may hold while they are being read and
 * decoded. Each request is bounded by the body limit; this bounds their sum, so many clients
 * uploading large bodies at once get 503 / UNAVAILABLE instead of exhausting the heap.
 */
public final class BodyBudget {
  private final long capacity;
  private final AtomicLong available;

  public BodyBudget(long capacityBytes) {
    this.capacity = capacityBytes;
    this.available = new AtomicLong(capacityBytes);
  }

  /** A quarter of the maximum heap: room for decoding and the spool's queue besides. */
  public static BodyBudget forHeap() {
    return new BodyBudget(Runtime.getRuntime().maxMemory() / 4);
  }

  public long capacity() {
    return capacity;
  }

  public long available() {
    return available.get();
  }

  /** Takes {@code n} bytes, or returns false (taking nothing) when they are not there. */
  public boolean tryReserve(long n) {
    while (true) {
      long a = available.get();
      if (a < n) {
        return false;
      }
      if (available.compareAndSet(a, a - n)) {
        return true;
      }
    }
  }

  public void release(long n) {
    available.addAndGet(n);
  }
}
