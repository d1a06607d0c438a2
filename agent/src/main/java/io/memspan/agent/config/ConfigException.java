package io.memspan.agent.config;

/** A configuration value that cannot be used; the message names the key and the problem. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
