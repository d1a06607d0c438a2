package io.memspan.collector;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a collector is started with; {@link CollectorMain} builds it from the command line.
 *
 * @param ui null for no page
 * @param token null when every address is loopback and no token was given
 * @param portsFile null, or where to write the bound addresses once listening
 * @param upstreamHeaders {@code KEY=VALUE} headers for every upstream request, as given
 */
public record CollectorConfig(
    InetSocketAddress http,
    InetSocketAddress grpc,
    InetSocketAddress ui,
    Path spoolDir,
    long spoolMaxBytes,
    int maxBodyBytes,
    long requestTimeoutMillis,
    List<String> upstreams,
    String upstreamProtocol,
    List<String> upstreamHeaders,
    String zipkin,
    String token,
    Path portsFile,
    int storeCapacity) {

  public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
  public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 10_000;
  public static final long IDLE_CONNECTION_MILLIS = 120_000;

  /** A loopback-only configuration on ephemeral ports (tests, benchmarks). */
  public static CollectorConfig ephemeral(Path spoolDir) {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    return new CollectorConfig(any, any, any, spoolDir, DEFAULT_SPOOL_MAX_BYTES, DEFAULT_MAX_BODY_BYTES,
        DEFAULT_REQUEST_TIMEOUT_MILLIS, List.of(), "http/protobuf", List.of(), null, null, null, 100_000);
  }
}
