package io.memspan.agent.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** Reading OTLP spans as a user of a tracing backend would: by name and attribute. */
final class Spans {
  private Spans() {}

  static String str(Span s, String key) {
    return attr(s.getAttributesList(), key).getStringValue();
  }

  static long num(Span s, String key) {
    return attr(s.getAttributesList(), key).getIntValue();
  }

  static boolean has(Span s, String key) {
    return s.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals(key));
  }

  static long eventNum(Span.Event e, String key) {
    return attr(e.getAttributesList(), key).getIntValue();
  }

  private static io.opentelemetry.proto.common.v1.AnyValue attr(List<KeyValue> kvs, String key) {
    for (KeyValue kv : kvs) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    throw new AssertionError("no attribute " + key + " in " + kvs);
  }

  static Predicate<Span> named(String name) {
    return s -> s.getName().equals(name);
  }

  static Predicate<Span> calledFrom(String function) {
    return s -> has(s, "code.function.name") && str(s, "code.function.name").equals(function);
  }

  static List<Span> inTimeOrder(List<Span> spans, Predicate<Span> p) {
    return spans.stream().filter(p)
        .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
  }
}
