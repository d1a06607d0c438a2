package io.memspan.collector.forward;

/** A forwarder's connection to its upstream (HTTP/1.1 or gRPC), as the forwarder manages it. */
interface UpstreamClient extends AutoCloseable {
  /** TCP connections opened so far: one while the upstream keeps it alive. */
  long connections();

  /** Closes the connection and ends the client's event-loop thread. */
  @Override
  void close();
}
