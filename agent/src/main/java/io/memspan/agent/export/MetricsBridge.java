package io.memspan.agent.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes {@link MetricSource}s as OTel observable instruments. A source says its metric names
 * when it reports, so instruments are created on first sight (when the source is registered, and
 * at any later collection that reports a new name); each group of instruments created together
 * shares one batch callback that asks every source once per collection.
 */
final class MetricsBridge {
  private final Meter meter;
  private final List<MetricSource> sources = new CopyOnWriteArrayList<>();
  private final Map<String, ObservableMeasurement> instruments = new ConcurrentHashMap<>();
  private final Object registration = new Object();

  MetricsBridge(Meter meter) {
    this.meter = meter;
  }

  void register(MetricSource source) {
    sources.add(source);
    discover();
  }

  /** Creates instruments for names no instrument has yet. */
  void discover() {
    synchronized (registration) {
      Map<String, ObservableMeasurement> fresh = new java.util.LinkedHashMap<>();
      MetricSource.MetricWriter finder = new MetricSource.MetricWriter() {
        @Override
        public void counter(String name, String unit, String description, long value,
            String... labels) {
          if (!instruments.containsKey(name) && !fresh.containsKey(name)) {
            fresh.put(name, meter.counterBuilder(name).setUnit(unit)
                .setDescription(description).buildObserver());
          }
        }

        @Override
        public void gauge(String name, String unit, String description, double value,
            String... labels) {
          if (!instruments.containsKey(name) && !fresh.containsKey(name)) {
            fresh.put(name, meter.gaugeBuilder(name).setUnit(unit)
                .setDescription(description).buildObserver());
          }
        }
      };
      collectAll(finder);
      if (fresh.isEmpty()) {
        return;
      }
      instruments.putAll(fresh);
      List<ObservableMeasurement> group = new ArrayList<>(fresh.values());
      Map<String, ObservableMeasurement> mine = Map.copyOf(fresh);
      meter.batchCallback(() -> record(mine), group.get(0),
          group.subList(1, group.size()).toArray(new ObservableMeasurement[0]));
    }
  }

  private void record(Map<String, ObservableMeasurement> mine) {
    boolean[] unknown = {false};
    collectAll(new MetricSource.MetricWriter() {
      @Override
      public void counter(String name, String unit, String description, long value,
          String... labels) {
        ObservableMeasurement m = mine.get(name);
        if (m instanceof ObservableLongMeasurement) {
          ((ObservableLongMeasurement) m).record(value, attributes(labels));
        } else if (!instruments.containsKey(name)) {
          unknown[0] = true;
        }
      }

      @Override
      public void gauge(String name, String unit, String description, double value,
          String... labels) {
        ObservableMeasurement m = mine.get(name);
        if (m instanceof ObservableDoubleMeasurement) {
          ((ObservableDoubleMeasurement) m).record(value, attributes(labels));
        } else if (!instruments.containsKey(name)) {
          unknown[0] = true;
        }
      }
    });
    if (unknown[0]) {
      // New names show up from the next collection on; registering inside a callback would
      // re-enter the SDK's collection.
      Thread t = new Thread(this::discover, "memspan-metrics-discover");
      t.setDaemon(true);
      t.start();
    }
  }

  private void collectAll(MetricSource.MetricWriter writer) {
    for (MetricSource s : sources) {
      try {
        s.collect(writer);
      } catch (RuntimeException e) {
        // A faulty source must not break the others' export.
      }
    }
  }

  static Attributes attributes(String... labels) {
    if (labels == null || labels.length == 0) {
      return Attributes.empty();
    }
    AttributesBuilder b = Attributes.builder();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      b.put(labels[i], labels[i + 1]);
    }
    return b.build();
  }
}
