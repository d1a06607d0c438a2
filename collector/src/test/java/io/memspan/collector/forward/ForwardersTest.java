package io.memspan.collector.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memspan.collector.ops.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardersTest {
  private final Metrics metrics = new Metrics();

  private String error(List<String> upstreams, String protocol, String zipkin) {
    return assertThrows(IllegalArgumentException.class,
        () -> Forwarders.create(upstreams, protocol, zipkin, metrics)).getMessage();
  }

  @Test
  void buildsOneSinkPerUrlWithStableNames() {
    List<Forwarder> sinks = Forwarders.create(
        List.of("http://otel:4318/", "https://tempo.example:4318/otlp"), null, "http://127.0.0.1:9411", metrics);
    try {
      assertEquals(List.of("upstream:http://otel:4318", "upstream:https://tempo.example:4318/otlp",
          "zipkin:http://127.0.0.1:9411"), sinks.stream().map(Forwarder::name).toList());
      assertInstanceOf(OtlpHttpForwarder.class, sinks.get(0));
      assertInstanceOf(ZipkinForwarder.class, sinks.get(2));
    } finally {
      sinks.forEach(Forwarder::close);
    }
    List<Forwarder> grpc = Forwarders.create(List.of("http://[::1]:4317"), "grpc", null, metrics);
    try {
      assertInstanceOf(OtlpGrpcForwarder.class, grpc.get(0));
      assertEquals("upstream:http://[::1]:4317", grpc.get(0).name());
    } finally {
      grpc.forEach(Forwarder::close);
    }
  }

  @Test
  void badValuesAreRefusedNamingTheFlag() {
    assertEquals("--upstream 'otel:4318' must start with http:// or https:// (got scheme 'otel')",
        error(List.of("otel:4318"), null, null));
    assertEquals("--upstream 'localhost:4318' must start with http:// or https:// (got scheme 'localhost')",
        error(List.of("localhost:4318"), null, null));
    assertEquals("--zipkin 'ftp://z:9411' must start with http:// or https:// (got scheme 'ftp')",
        error(List.of(), null, "ftp://z:9411"));
    assertEquals("--zipkin 'http://' is not a valid URL: Expected authority",
        error(List.of(), null, "http://"));
    assertEquals("--upstream 'http://a b' is not a valid URL: Illegal character in authority",
        error(List.of("http://a b"), null, null));
    assertEquals("--upstream 'http://x:4318?a=1' must not have a query or fragment",
        error(List.of("http://x:4318?a=1"), null, null));
    assertEquals("--upstream 'http://x:4318/' is given more than once",
        error(List.of("http://x:4318", "http://x:4318/"), null, null));
    assertEquals("--upstream-protocol 'http/json' is not supported: use http/protobuf or grpc"
        + " (the collector forwards protobuf)", error(List.of("http://x:4318"), "http/json", null));
    assertEquals("--upstream 'http://x:4317/v1' has a path, but an OTLP/gRPC endpoint is just"
        + " scheme://host:port (--upstream-protocol grpc)", error(List.of("http://x:4317/v1"), "grpc", null));
    assertEquals("--upstream needs a URL such as http://127.0.0.1:4318", error(List.of(" "), null, null));
  }
}
