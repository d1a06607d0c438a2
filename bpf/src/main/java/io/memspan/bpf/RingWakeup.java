package io.memspan.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * Lets one thread sleep until the kernel program asks for its ring to be drained. The program
 * submits records without a wake-up until a quarter of the ring is unread, then with one (see
 * memspan.bpf.c); this waits for those wake-ups on an epoll set holding the ring's fd,
 * edge-triggered, so records that merely sit in the ring never wake the waiter, and an eventfd
 * that {@link #close} signals.
 *
 * <p>One waiter at a time. The epoll fd and the eventfd belong to whoever leaves last: {@link
 * #close} closes them when no one waits, else the waiter does as it returns, so no fd is closed
 * under a thread blocked on it.
 */
final class RingWakeup implements AutoCloseable {
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLLIN = 0x1;
  private static final int EPOLLET = 1 << 31;
  private static final int EINTR = 4;
  /** struct epoll_event: u32 events, then u64 data (packed on x86-64, padded elsewhere). */
  private static final int EVENT_BYTES = 16;

  private final int epollFd;
  private final int stopFd;
  private final Memory events = new Memory(2L * EVENT_BYTES);
  private boolean waiting;
  private boolean closed;
  private boolean fdsClosed;
  private volatile String failure;
  /** A thread waits for wake-ups (it entered await, and has not left for good). */
  private volatile boolean watched;

  RingWakeup(int ringFd) {
    int ep = LibC.epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
      throw new IllegalStateException("epoll_create1 failed: " + LibC.lastError());
    }
    int stop = LibC.eventfd(0, EFD_CLOEXEC);
    if (stop < 0) {
      String why = LibC.lastError();
      LibC.close(ep);
      throw new IllegalStateException("eventfd failed: " + why);
    }
    try {
      add(ep, ringFd, EPOLLIN | EPOLLET, "ring");
      add(ep, stop, EPOLLIN, "eventfd");
    } catch (IllegalStateException e) {
      LibC.close(stop);
      LibC.close(ep);
      throw e;
    }
    this.epollFd = ep;
    this.stopFd = stop;
  }

  private static void add(int ep, int fd, int mask, String what) {
    Memory event = new Memory(EVENT_BYTES);
    event.clear();
    event.setInt(0, mask); // data left 0: the waiter need not know which fd fired
    if (LibC.epoll_ctl(ep, EPOLL_CTL_ADD, fd, event) != 0) {
      throw new IllegalStateException("epoll_ctl(ADD " + what + ") failed: " + LibC.lastError());
    }
  }

  /**
   * Blocks until the kernel wakes the ring's reader or {@link #close} is called: true for a
   * wake-up (drain the ring now), false once closed or when waiting failed ({@link #failure}). The first call may return true at once when
   * records were already unread as the ring was added.
   */
  boolean await() {
    synchronized (this) {
      if (closed || failure != null) {
        watched = false;
        return false;
      }
      waiting = true;
      watched = true;
    }
    int n = -1;
    String error = null;
    try {
      do {
        n = LibC.epoll_wait(epollFd, events, 2, -1);
      } while (n < 0 && Native.getLastError() == EINTR);
      if (n < 0) {
        error = "epoll_wait failed: " + LibC.lastError();
      }
    } catch (Throwable e) {
      error = "epoll_wait failed: " + e;
    }
    synchronized (this) {
      waiting = false;
      if (closed) {
        watched = false;
        closeFds();
        return false;
      }
      if (error != null) {
        failure = error;
        watched = false;
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a thread is waiting for wake-ups: only then may the ring go undrained for long. False
   * before the first {@link #await}, and for good once waiting failed or the wake-up was closed.
   */
  boolean watched() {
    return watched;
  }

  /** Null while wake-ups can arrive; else why not (the reader must then poll often enough). */
  String failure() {
    return failure;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (waiting) {
      Memory one = new Memory(8);
      one.setLong(0, 1L);
      LibC.write(stopFd, one, 8); // the waiter returns and closes the fds
    } else {
      closeFds();
    }
  }

  private void closeFds() {
    if (!fdsClosed) {
      fdsClosed = true;
      LibC.close(stopFd);
      LibC.close(epollFd);
    }
  }
}
