package io.memspan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigException;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void theCompileCacheIsDefaultOffOrAnAbsoluteDirectory() {
    assertEquals("default", Settings.from(AgentConfig.load("kernel=off")).kernelCache());
    assertEquals("off", Settings.from(AgentConfig.load("kernel.cache=off")).kernelCache());
    assertEquals("/srv/memspan-cache",
        Settings.from(AgentConfig.load("memspan.kernel.cache=/srv/memspan-cache")).kernelCache());
  }

  @Test
  void aRelativeCacheDirectoryIsRefusedByName() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(AgentConfig.load("kernel.cache=cache/bpf")));
    assertEquals("memspan.kernel.cache=cache/bpf: the eBPF compile cache must be off, default or"
        + " an absolute directory, got 'cache/bpf'", e.getMessage());
  }
}
