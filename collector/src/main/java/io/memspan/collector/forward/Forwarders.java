package io.memspan.collector.forward;

import io.memspan.collector.ops.Metrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the forwarders the command line asks for, with stable names that key their spool
 * cursors and metrics: {@code upstream:<url>} and {@code zipkin:<url>}. Bad values fail here,
 * before anything starts, with an error naming the flag.
 */
public final class Forwarders {
  public static final String HTTP_PROTOBUF = "http/protobuf";
  public static final String GRPC = "grpc";

  private Forwarders() {}

  /**
   * @param upstreams the {@code --upstream} values (OTLP base endpoints), possibly empty
   * @param upstreamProtocol the {@code --upstream-protocol} value, {@code http/protobuf} or {@code grpc}
   * @param zipkin the {@code --zipkin} value (Zipkin base URL), or null
   * @param metrics the collector's registry, where each forwarder keeps its counters
   * @throws IllegalArgumentException naming the flag and what is wrong with its value
   */
  public static List<Forwarder> create(
      List<String> upstreams, String upstreamProtocol, String zipkin, Metrics metrics, ForwarderOptions options) {
    String protocol = protocol(upstreamProtocol);
    List<Endpoint> endpoints = endpoints(upstreams, protocol);
    Endpoint zipkinEndpoint = zipkin == null ? null : Endpoint.parse("--zipkin", zipkin);

    // Only now start event loops: a bad flag above must not leave threads behind.
    List<Forwarder> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      String name = "upstream:" + e.url();
      out.add(protocol.equals(GRPC)
          ? new OtlpGrpcForwarder(name, e, options, metrics)
          : new OtlpHttpForwarder(name, e, options, metrics));
    }
    if (zipkinEndpoint != null) {
      out.add(new ZipkinForwarder("zipkin:" + zipkinEndpoint.url(), zipkinEndpoint, options, metrics));
    }
    return out;
  }

  /**
   * Checks the flag values without starting anything, for the command line to report before the
   * collector starts.
   *
   * @throws IllegalArgumentException naming the flag and what is wrong with its value
   */
  public static void validate(List<String> upstreams, String upstreamProtocol, List<String> upstreamHeaders,
      String zipkin) {
    endpoints(upstreams, protocol(upstreamProtocol));
    UpstreamHeaders.parse(upstreamHeaders);
    if (zipkin != null) {
      Endpoint.parse("--zipkin", zipkin);
    }
  }

  private static List<Endpoint> endpoints(List<String> upstreams, String protocol) {
    List<Endpoint> endpoints = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String url : upstreams == null ? List.<String>of() : upstreams) {
      Endpoint e = Endpoint.parse("--upstream", url);
      if (protocol.equals(GRPC) && !e.basePath().isEmpty()) {
        throw new IllegalArgumentException("--upstream '" + url
            + "' has a path, but an OTLP/gRPC endpoint is just scheme://host:port (--upstream-protocol grpc)");
      }
      if (!seen.add(e.url())) {
        throw new IllegalArgumentException("--upstream '" + url + "' is given more than once");
      }
      endpoints.add(e);
    }
    return endpoints;
  }

  public static List<Forwarder> create(
      List<String> upstreams, String upstreamProtocol, String zipkin, Metrics metrics) {
    return create(upstreams, upstreamProtocol, zipkin, metrics, ForwarderOptions.defaults());
  }

  private static String protocol(String value) {
    String p = value == null ? HTTP_PROTOBUF : value.trim().toLowerCase(Locale.ROOT);
    if (p.equals(HTTP_PROTOBUF) || p.equals(GRPC)) {
      return p;
    }
    throw new IllegalArgumentException("--upstream-protocol '" + value + "' is not supported: use "
        + HTTP_PROTOBUF + " or " + GRPC + (p.equals("http/json") ? " (the collector forwards protobuf)" : ""));
  }
}
