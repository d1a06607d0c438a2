package io.memspan.collector.forward;

import java.io.IOException;

/**
 * A connection ended before the upstream answered at all. On a reused keep-alive connection this
 * usually means the upstream had closed it while idle, so one immediate retry on a fresh
 * connection is right; on a fresh connection it is an outage and the dispatcher's backoff decides.
 */
final class StaleConnectionException extends IOException {
  StaleConnectionException(String message) {
    super(message);
  }
}
