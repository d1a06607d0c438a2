package io.memspan.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how one signal (traces or metrics) is exported, resolved from the OpenTelemetry
 * variables exactly as the SDK specification reads them: per-signal keys win over general ones;
 * a general http/protobuf endpoint gets {@code v1/traces} or {@code v1/metrics} appended, a
 * per-signal one is used as given; grpc endpoints are used as given.
 *
 * @param endpoint the full URL requests go to (http/protobuf) or the server's base URL (grpc)
 * @param headers extra request headers, per-signal entries over general ones
 * @param certificate PEM of trusted server certificates, or null for the JDK's trust store
 */
public record OtlpSettings(
    Signal signal,
    Protocol protocol,
    URI endpoint,
    Map<String, String> headers,
    boolean gzip,
    Duration timeout,
    Path certificate,
    Path clientKey,
    Path clientCertificate) {

  /** The two signals the agent exports. */
  public enum Signal {
    TRACES("traces", ConfigKeys.TRACES_EXPORTER, ConfigKeys.TRACES_ENDPOINT,
        ConfigKeys.TRACES_PROTOCOL, ConfigKeys.TRACES_HEADERS, ConfigKeys.TRACES_COMPRESSION,
        ConfigKeys.TRACES_TIMEOUT),
    METRICS("metrics", ConfigKeys.METRICS_EXPORTER, ConfigKeys.METRICS_ENDPOINT,
        ConfigKeys.METRICS_PROTOCOL, ConfigKeys.METRICS_HEADERS, ConfigKeys.METRICS_COMPRESSION,
        ConfigKeys.METRICS_TIMEOUT);

    final String path;
    final String exporterKey;
    final String endpointKey;
    final String protocolKey;
    final String headersKey;
    final String compressionKey;
    final String timeoutKey;

    Signal(String name, String exporterKey, String endpointKey, String protocolKey,
        String headersKey, String compressionKey, String timeoutKey) {
      this.path = "v1/".concat(name); // no indy concat: this runs in premain
      this.exporterKey = exporterKey;
      this.endpointKey = endpointKey;
      this.protocolKey = protocolKey;
      this.headersKey = headersKey;
      this.compressionKey = compressionKey;
      this.timeoutKey = timeoutKey;
    }
  }

  /** OTLP transports; http/json is not offered (the agent only speaks protobuf). */
  public enum Protocol {
    GRPC("grpc"),
    HTTP_PROTOBUF("http/protobuf");

    private final String value;

    Protocol(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  public OtlpSettings {
    headers = Map.copyOf(headers);
  }

  /**
   * Whether {@code signal} is to be exported: false only for exporter {@code none}. A bad value
   * counts as exported here; {@link #resolve} reports it when the exporter starts.
   */
  public static boolean exported(AgentConfig config, Signal signal) {
    try {
      return !config.oneOf(signal.exporterKey, "otlp", "otlp", "none").equals("none");
    } catch (ConfigException e) {
      return true;
    }
  }

  /** The settings for {@code signal}, or empty when its exporter is {@code none}. */
  public static Optional<OtlpSettings> resolve(AgentConfig config, Signal signal) {
    String exporter = config.oneOf(signal.exporterKey, "otlp", "otlp", "none");
    if (exporter.equals("none")) {
      return Optional.empty();
    }
    Protocol protocol = protocol(config, signal);
    URI endpoint = endpoint(config, signal, protocol);

    Map<String, String> headers = new LinkedHashMap<>(
        KeyValueList.parse(ConfigKeys.HEADERS, config.raw(ConfigKeys.HEADERS)));
    headers.putAll(KeyValueList.parse(signal.headersKey, config.raw(signal.headersKey)));
    for (String name : headers.keySet()) {
      if (!name.chars().allMatch(OtlpSettings::isTokenChar)) {
        throw new ConfigException(config.firstSetKey(signal.headersKey, ConfigKeys.HEADERS)
            + ": '" + name + "' is not a valid header name");
      }
    }

    String compressionKey = config.firstSetKey(signal.compressionKey, ConfigKeys.COMPRESSION);
    String compression = config.oneOf(compressionKey, ConfigKeys.COMPRESSION_DEFAULT, "gzip",
        "none");

    String timeoutKey = config.firstSetKey(signal.timeoutKey, ConfigKeys.TIMEOUT);
    long timeoutMillis = config.millis(timeoutKey, ConfigKeys.TIMEOUT_DEFAULT_MILLIS);
    if (timeoutMillis == 0) {
      throw new ConfigException(timeoutKey + "=0: the export timeout must be positive");
    }

    return Optional.of(new OtlpSettings(signal, protocol, endpoint, headers,
        compression.equals("gzip"), Duration.ofMillis(timeoutMillis),
        pemFile(config, ConfigKeys.CERTIFICATE), pemFile(config, ConfigKeys.CLIENT_KEY),
        pemFile(config, ConfigKeys.CLIENT_CERTIFICATE)));
  }

  private static Protocol protocol(AgentConfig config, Signal signal) {
    String key = config.firstSetKey(signal.protocolKey, ConfigKeys.PROTOCOL);
    String v = config.raw(key);
    if (v == null) {
      return Protocol.HTTP_PROTOBUF;
    }
    for (Protocol p : Protocol.values()) {
      if (p.value.equals(v.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    if (v.equalsIgnoreCase("http/json")) {
      throw new ConfigException(key + "=http/json is not supported by memspan: use "
          + "http/protobuf or grpc");
    }
    throw new ConfigException(key + "=" + v + " is not one of grpc, http/protobuf");
  }

  private static URI endpoint(AgentConfig config, Signal signal, Protocol protocol) {
    String perSignal = config.raw(signal.endpointKey);
    if (perSignal != null) {
      return url(signal.endpointKey, perSignal);
    }
    String general = config.raw(ConfigKeys.ENDPOINT);
    boolean grpc = protocol == Protocol.GRPC;
    if (general == null) {
      general = grpc ? ConfigKeys.GRPC_ENDPOINT_DEFAULT : ConfigKeys.HTTP_ENDPOINT_DEFAULT;
    }
    URI base = url(ConfigKeys.ENDPOINT, general);
    if (grpc) {
      return base;
    }
    String s = base.toString();
    return URI.create(s.endsWith("/") ? s.concat(signal.path) : s.concat("/").concat(signal.path));
  }

  private static URI url(String key, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(key + "=" + value + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(key + "=" + value + " must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(key + "=" + value + " has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(key + "=" + value + " must not have a query or fragment");
    }
    return uri;
  }

  private static Path pemFile(AgentConfig config, String key) {
    String v = config.raw(key);
    if (v == null) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isReadable(p)) {
      throw new ConfigException(key + "=" + v + ": no such readable file");
    }
    return p;
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  public boolean https() {
    return endpoint.getScheme().equalsIgnoreCase("https");
  }
}
