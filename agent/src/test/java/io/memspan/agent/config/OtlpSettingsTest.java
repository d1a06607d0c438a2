package io.memspan.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.config.OtlpSettings.Protocol;
import io.memspan.agent.config.OtlpSettings.Signal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTEL_* resolution as the OpenTelemetry SDK specification describes it. */
class OtlpSettingsTest {

  private static OtlpSettings traces(Map<String, String> env) {
    return OtlpSettings.resolve(AgentConfig.of(Map.of(), Map.of(), env), Signal.TRACES)
        .orElseThrow();
  }

  private static OtlpSettings metrics(Map<String, String> env) {
    return OtlpSettings.resolve(AgentConfig.of(Map.of(), Map.of(), env), Signal.METRICS)
        .orElseThrow();
  }

  @Test
  void defaultsAreHttpProtobufOnLocalhost4318() {
    OtlpSettings t = traces(Map.of());
    assertEquals(Protocol.HTTP_PROTOBUF, t.protocol());
    assertEquals("http://localhost:4318/v1/traces", t.endpoint().toString());
    assertEquals("http://localhost:4318/v1/metrics", metrics(Map.of()).endpoint().toString());
    assertEquals(Duration.ofSeconds(10), t.timeout());
    assertFalse(t.gzip());
    assertTrue(t.headers().isEmpty());
    assertNull(t.certificate());
  }

  @Test
  void grpcDefaultsTo4317AndUsesTheEndpointAsGiven() {
    assertEquals("http://localhost:4317",
        traces(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")).endpoint().toString());
    assertEquals("https://collector:4317/base", traces(Map.of(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4317/base")).endpoint().toString());
  }

  @Test
  void generalHttpEndpointGetsTheSignalPathAppended() {
    assertEquals("http://c:4318/v1/traces",
        traces(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")).endpoint().toString());
    assertEquals("http://c:4318/otlp/v1/metrics",
        metrics(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/otlp/")).endpoint()
            .toString());
  }

  @Test
  void perSignalEndpointIsUsedExactlyAndWinsOverTheGeneralOne() {
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example:443/custom/path");
    assertEquals("https://traces.example:443/custom/path", traces(env).endpoint().toString());
    assertTrue(traces(env).https());
    assertEquals("http://general:4318/v1/metrics", metrics(env).endpoint().toString());
  }

  @Test
  void perSignalProtocolCompressionTimeoutWin() {
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc",
        "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
        "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "3s");
    assertEquals(Protocol.HTTP_PROTOBUF, traces(env).protocol());
    assertEquals(Protocol.GRPC, metrics(env).protocol());
    assertFalse(traces(env).gzip());
    assertTrue(metrics(env).gzip());
    assertEquals(Duration.ofMillis(2500), traces(env).timeout());
    assertEquals(Duration.ofSeconds(3), metrics(env).timeout());
  }

  @Test
  void headersArePercentDecodedAndPerSignalOnesOverride() {
    OtlpSettings t = traces(Map.of(
        "OTEL_EXPORTER_OTLP_HEADERS", "api-key=a%2Cb ,x-team = mem+span,x-tenant=one",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-tenant=two"));
    assertEquals(Map.of("api-key", "a,b", "x-team", "mem+span", "x-tenant", "two"), t.headers());
  }

  @Test
  void systemPropertiesWinOverEnvironmentAndAgentArgumentsOverBoth() {
    AgentConfig c = AgentConfig.of(Map.of("otel.exporter.otlp.protocol", "grpc"),
        Map.of("otel.exporter.otlp.protocol", "http/protobuf",
            "otel.exporter.otlp.endpoint", "http://props:1"),
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:2"));
    OtlpSettings t = OtlpSettings.resolve(c, Signal.TRACES).orElseThrow();
    assertEquals(Protocol.GRPC, t.protocol());
    assertEquals("http://props:1", t.endpoint().toString());
  }

  @Test
  void exporterNoneTurnsASignalOff() {
    AgentConfig c = AgentConfig.of(Map.of(), Map.of(), Map.of("OTEL_METRICS_EXPORTER", "none"));
    assertTrue(OtlpSettings.resolve(c, Signal.METRICS).isEmpty());
    assertTrue(OtlpSettings.resolve(c, Signal.TRACES).isPresent());
  }

  @Test
  void badValuesAreErrorsThatNameTheKeyAndTheProblem() {
    assertError("otel.exporter.otlp.protocol=http/json is not supported by memspan",
        Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"));
    assertError("otel.exporter.otlp.protocol=thrift is not one of grpc, http/protobuf",
        Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift"));
    assertError("otel.exporter.otlp.endpoint=localhost:4318 must start with http:// or https://",
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"));
    assertError("otel.exporter.otlp.traces.endpoint=http:// bad is not a URL",
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http:// bad"));
    assertError("otel.exporter.otlp.headers: entry 'novalue' is not key=value",
        Map.of("OTEL_EXPORTER_OTLP_HEADERS", "a=b,novalue"));
    assertError("otel.exporter.otlp.headers: 'bad header' is not a valid header name",
        Map.of("OTEL_EXPORTER_OTLP_HEADERS", "bad header=1"));
    assertError("otel.exporter.otlp.compression=zstd is not one of gzip, none",
        Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"));
    assertError("otel.exporter.otlp.traces.timeout=soon is not a duration",
        Map.of("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "soon"));
    assertError("otel.exporter.otlp.timeout=0: the export timeout must be positive",
        Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "0"));
    assertError("otel.exporter.otlp.certificate=/no/such.pem: no such readable file",
        Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", "/no/such.pem"));
    assertError("otel.traces.exporter=zipkin is not one of otlp, none",
        Map.of("OTEL_TRACES_EXPORTER", "zipkin"));
  }

  private static void assertError(String expectedStart, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> traces(env));
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  @Test
  void resourceAttributeListsParseLikeHeaders() {
    assertEquals(Map.of("service.name", "shop", "region", "eu west"),
        KeyValueList.parse("otel.resource.attributes", "service.name=shop, region=eu%20west,"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> KeyValueList.parse("otel.resource.attributes", "=x"));
    assertEquals("otel.resource.attributes: entry '=x' is not key=value", e.getMessage());
  }
}
