package io.watershed.server.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the values of scrape-time metrics by name and builds their snapshots. A counter's name
 * is given without {@code _total}; the text format adds it.
 */
final class Snapshots {
  private enum Kind {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  private record Family(Kind kind, String help, List<Object> points) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  Snapshots counter(String name, String help, double value, Labels labels) {
    family(name, help, Kind.COUNTER)
        .points
        .add(CounterDataPointSnapshot.builder().value(value).labels(labels).build());
    return this;
  }

  Snapshots gauge(String name, String help, double value, Labels labels) {
    family(name, help, Kind.GAUGE)
        .points
        .add(GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    return this;
  }

  /**
   * A histogram of one data point (no labels).
   *
   * @param upperBounds the buckets' upper bounds, ascending, without +Inf
   * @param counts observations per bucket, not cumulative: one more than {@code upperBounds}, the
   *     last for those above every bound
   * @param sum the sum of the observations
   */
  Snapshots histogram(String name, String help, double[] upperBounds, long[] counts, double sum) {
    double[] bounds = Arrays.copyOf(upperBounds, upperBounds.length + 1);
    bounds[upperBounds.length] = Double.POSITIVE_INFINITY;
    family(name, help, Kind.HISTOGRAM)
        .points
        .add(
            HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(sum)
                .build());
    return this;
  }

  /** Declares a family so that it is shown (with its help) even without data points. */
  Snapshots declare(String name, String help, boolean counter) {
    family(name, help, counter ? Kind.COUNTER : Kind.GAUGE);
    return this;
  }

  private Family family(String name, String help, Kind kind) {
    return families.computeIfAbsent(name, n -> new Family(kind, help, new ArrayList<>()));
  }

  List<MetricSnapshot> build() {
    List<MetricSnapshot> out = new ArrayList<>();
    families.forEach(
        (name, f) -> {
          switch (f.kind) {
            case COUNTER -> {
              CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(f.help);
              f.points.forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
              out.add(b.build());
            }
            case GAUGE -> {
              GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help);
              f.points.forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
              out.add(b.build());
            }
            case HISTOGRAM -> {
              HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(f.help);
              f.points.forEach(p -> b.dataPoint((HistogramDataPointSnapshot) p));
              out.add(b.build());
            }
          }
        });
    return out;
  }
}
