package io.memspan.collector.ui;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.util.List;

/**
 * How the API writes an epoch timestamp in nanoseconds (every field named {@code ...UnixNano}): as a
 * decimal string, as OTLP/JSON does. Today's epoch nanos (~1.8e18) are past 2^53, the largest
 * integer a browser's {@code Number} holds exactly, so as a JSON number they would reach the page
 * rounded to 256 ns. Durations stay numbers: they are exact below 2^53 ns (104 days).
 */
final class EpochNanos {
  static final String SUFFIX = "UnixNano";

  private EpochNanos() {}

  static String text(long unixNano) {
    return Long.toString(unixNano);
  }

  /** Makes every {@code long ...UnixNano} property of a serialized record or bean a string. */
  static SimpleModule asStrings() {
    SimpleModule module = new SimpleModule("memspan-epoch-nanos");
    module.setSerializerModifier(new BeanSerializerModifier() {
      @Override
      public List<BeanPropertyWriter> changeProperties(
          SerializationConfig config, BeanDescription bean, List<BeanPropertyWriter> properties) {
        for (BeanPropertyWriter p : properties) {
          Class<?> type = p.getType().getRawClass();
          if (p.getName().endsWith(SUFFIX) && (type == long.class || type == Long.class)) {
            p.assignSerializer(ToStringSerializer.instance);
          }
        }
        return properties;
      }
    });
    return module;
  }
}
