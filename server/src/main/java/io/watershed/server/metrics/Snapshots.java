package io.watershed.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the values of scrape-time metrics by name and builds their snapshots. A counter's name
 * is given without {@code _total}; the text format adds it.
 */
final class Snapshots {
  private record Family(boolean counter, String help, List<Object> points) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  Snapshots counter(String name, String help, double value, Labels labels) {
    family(name, help, true)
        .points
        .add(CounterDataPointSnapshot.builder().value(value).labels(labels).build());
    return this;
  }

  Snapshots gauge(String name, String help, double value, Labels labels) {
    family(name, help, false)
        .points
        .add(GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    return this;
  }

  /** Declares a family so that it is shown (with its help) even without data points. */
  Snapshots declare(String name, String help, boolean counter) {
    family(name, help, counter);
    return this;
  }

  private Family family(String name, String help, boolean counter) {
    return families.computeIfAbsent(name, n -> new Family(counter, help, new ArrayList<>()));
  }

  List<MetricSnapshot> build() {
    List<MetricSnapshot> out = new ArrayList<>();
    families.forEach(
        (name, f) -> {
          if (f.counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(f.help);
            f.points.forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
            out.add(b.build());
          } else {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help);
            f.points.forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
            out.add(b.build());
          }
        });
    return out;
  }
}
