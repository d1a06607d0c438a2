package io.memspan.agent.export;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigKeys;
import io.memspan.agent.config.KeyValueList;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The resource every span and metric carries: the SDK's defaults, then what memspan detects
 * (process, runtime, host), then {@code OTEL_RESOURCE_ATTRIBUTES}, then {@code OTEL_SERVICE_NAME}.
 */
final class AgentResource {
  private AgentResource() {}

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<Long> PROCESS_PID = AttributeKey.longKey("process.pid");
  static final AttributeKey<String> RUNTIME_NAME = AttributeKey.stringKey("process.runtime.name");
  static final AttributeKey<String> RUNTIME_VERSION =
      AttributeKey.stringKey("process.runtime.version");
  static final AttributeKey<String> HOST_NAME = AttributeKey.stringKey("host.name");

  static Resource build(AgentConfig config) {
    AttributesBuilder detected = Attributes.builder()
        .put(SERVICE_NAME, defaultServiceName())
        .put(PROCESS_PID, ProcessHandle.current().pid());
    putIfSet(detected, RUNTIME_NAME, System.getProperty("java.runtime.name"));
    putIfSet(detected, RUNTIME_VERSION, System.getProperty("java.runtime.version"));
    putIfSet(detected, HOST_NAME, hostName());

    AttributesBuilder fromEnv = Attributes.builder();
    Map<String, String> attrs = KeyValueList.parse(ConfigKeys.RESOURCE_ATTRIBUTES,
        config.raw(ConfigKeys.RESOURCE_ATTRIBUTES));
    attrs.forEach(fromEnv::put);
    String service = config.raw(ConfigKeys.SERVICE_NAME);
    if (service != null) {
      fromEnv.put(SERVICE_NAME, service);
    }
    return Resource.getDefault()
        .merge(Resource.create(detected.build()))
        .merge(Resource.create(fromEnv.build()));
  }

  /** The main class's simple name (or the jar's name) from the launcher, else memspan-app. */
  static String defaultServiceName() {
    String command = System.getProperty("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return ConfigKeys.SERVICE_NAME_DEFAULT;
    }
    String main = command.split("\\s+")[0];
    if (main.endsWith(".jar")) {
      String file = Path.of(main).getFileName().toString();
      return file.substring(0, file.length() - 4);
    }
    int dot = main.lastIndexOf('.');
    String simple = dot >= 0 ? main.substring(dot + 1) : main;
    return simple.isEmpty() ? ConfigKeys.SERVICE_NAME_DEFAULT : simple;
  }

  /** Read from the kernel rather than by name lookup, which can block on DNS. */
  private static String hostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8)
          .trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getenv("HOSTNAME");
  }

  private static void putIfSet(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }
}
