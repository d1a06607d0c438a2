package io.memspan.agent;

import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigException;
import io.memspan.agent.config.ConfigKeys;
import io.memspan.agent.config.OtlpSettings;
import io.memspan.bpf.ProbeOptions;
import java.util.Locale;

/**
 * The recording settings, read and checked once: each bad value is a {@link ConfigException}
 * naming the key, the value and what would be accepted.
 */
record Settings(boolean enabled, String kernel, long threshold, double sampleRate,
    long slowMicros, long spansPerSecond, boolean summary, long adviceIntervalSeconds,
    boolean instrumentInPremain, int ringBytes, String kernelCache) {

  static Settings from(AgentConfig c) {
    String kernel = c.string(ConfigKeys.KERNEL, ConfigKeys.KERNEL_DEFAULT).toLowerCase(Locale.ROOT);
    if (!kernel.matches("auto|bcc|rusage|off")) {
      throw new ConfigException(ConfigKeys.KERNEL + "=" + kernel
          + " is not one of auto, bcc, rusage, off");
    }
    long threshold = c.longValue(ConfigKeys.THRESHOLD, ConfigKeys.THRESHOLD_DEFAULT);
    if (threshold < 0) {
      throw new ConfigException(ConfigKeys.THRESHOLD + "=" + threshold + " must be >= 0");
    }
    double rate = c.doubleValue(ConfigKeys.SAMPLE_RATE, ConfigKeys.SAMPLE_RATE_DEFAULT);
    if (!(rate >= 0 && rate <= 1)) {
      throw new ConfigException(ConfigKeys.SAMPLE_RATE + "=" + rate + " must be between 0 and 1");
    }
    long slow = c.longValue(ConfigKeys.SLOW_MICROS, ConfigKeys.SLOW_MICROS_DEFAULT);
    if (slow < 0) {
      throw new ConfigException(ConfigKeys.SLOW_MICROS + "=" + slow + " must be >= 0");
    }
    long sps = c.longValue(ConfigKeys.SPANS_PER_SECOND, ConfigKeys.SPANS_PER_SECOND_DEFAULT);
    if (sps < 0) {
      throw new ConfigException(ConfigKeys.SPANS_PER_SECOND + "=" + sps + " must be >= 0");
    }
    long advice = c.longValue(ConfigKeys.ADVICE_INTERVAL_SECONDS,
        ConfigKeys.ADVICE_INTERVAL_SECONDS_DEFAULT);
    if (advice <= 0) {
      throw new ConfigException(ConfigKeys.ADVICE_INTERVAL_SECONDS + "=" + advice
          + " must be > 0");
    }
    String instrument = c.string(ConfigKeys.INSTRUMENT, ConfigKeys.INSTRUMENT_DEFAULT)
        .toLowerCase(Locale.ROOT);
    if (!instrument.matches("background|premain")) {
      throw new ConfigException(ConfigKeys.INSTRUMENT + "=" + instrument
          + " is not one of background, premain");
    }
    long ring = c.longValue(ConfigKeys.KERNEL_RING_BYTES, ConfigKeys.KERNEL_RING_BYTES_DEFAULT);
    if (ring < 4096 || ring > (1L << 30) || Long.bitCount(ring) != 1) {
      throw new ConfigException(ConfigKeys.KERNEL_RING_BYTES + "=" + ring
          + " must be a power of two from 4096 to 1073741824");
    }
    String cache = c.string(ConfigKeys.KERNEL_CACHE, ConfigKeys.KERNEL_CACHE_DEFAULT);
    try {
      // the bpf module owns what a cache setting means; a directory's trust is checked at use
      new ProbeOptions(0, 4096, 4096, 0, 1, null).withCache(
          cache.strip().equals(ConfigKeys.KERNEL_CACHE_DEFAULT) ? "off" : cache);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.KERNEL_CACHE + "=" + cache + ": " + e.getMessage());
    }
    // The exporter's own keys are checked here too, so a bad one disables the agent at start
    // with one line rather than later on a background thread.
    OtlpSettings.resolve(c, OtlpSettings.Signal.TRACES);
    OtlpSettings.resolve(c, OtlpSettings.Signal.METRICS);
    return new Settings(c.bool(ConfigKeys.ENABLED, true), kernel, threshold, rate, slow, sps,
        c.bool(ConfigKeys.SUMMARY, false), advice, instrument.equals("premain"), (int) ring, cache);
  }
}
