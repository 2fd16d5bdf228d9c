package io.watershed.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.watershed.core.metrics.RequestObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request metrics of one front door: {@code watershed_request_duration_seconds{door,api}} (a
 * histogram, whose {@code _count} is the request count) and {@code
 * watershed_request_errors_total{door,api}}, {@code watershed_protocol_errors_total{door}}, plus
 * door-wide totals and latency buckets for the console's charts. The data point of each API is
 * looked up once and cached, so observing a request allocates nothing.
 */
public final class RequestMetrics implements RequestObserver {
  /** Upper bounds of the latency buckets, in seconds; subscriptions stay open for long. */
  static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    30, 60
  };

  private final String door;
  private final Histogram durations;
  private final Counter errors;
  private final Counter protocolErrors;

  /**
   * Made on the first protocol error: a door that does not report them (Kafka, Kinesis today) shows
   * no series rather than a 0 that would claim none happened.
   */
  private volatile CounterDataPoint protocolErrorPoint;

  private final Map<String, DistributionDataPoint> durationPoints = new ConcurrentHashMap<>();
  private final Map<String, CounterDataPoint> errorPoints = new ConcurrentHashMap<>();
  private final LongAdder count = new LongAdder();
  private final LongAdder errorCount = new LongAdder();
  private final LongAdder nanos = new LongAdder();
  private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];

  RequestMetrics(String door, Histogram durations, Counter errors, Counter protocolErrors) {
    this.door = door;
    this.durations = durations;
    this.errors = errors;
    this.protocolErrors = protocolErrors;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  @Override
  public void completed(String api, long elapsedNanos, boolean failed) {
    DistributionDataPoint d = durationPoints.get(api);
    if (d == null) {
      d = durationPoints.computeIfAbsent(api, a -> durations.labelValues(door, a));
    }
    double seconds = elapsedNanos / 1e9;
    d.observe(seconds);
    count.increment();
    nanos.add(elapsedNanos);
    buckets[bucketOf(seconds)].increment();
    if (failed) {
      CounterDataPoint e = errorPoints.get(api);
      if (e == null) {
        e = errorPoints.computeIfAbsent(api, a -> errors.labelValues(door, a));
      }
      e.inc();
      errorCount.increment();
    }
  }

  @Override
  public void protocolError() {
    CounterDataPoint p = protocolErrorPoint;
    if (p == null) {
      // labelValues returns the one data point of the label, so a race makes no second series.
      p = protocolErrors.labelValues(door);
      protocolErrorPoint = p;
    }
    p.inc();
  }

  private static int bucketOf(double seconds) {
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        return i;
      }
    }
    return BUCKETS.length;
  }

  /** The upper bounds of {@link #buckets()}, in seconds (the last bucket has none). */
  public static double[] bucketBounds() {
    return BUCKETS.clone();
  }

  public String door() {
    return door;
  }

  /** Requests answered since start. */
  public long count() {
    return count.sum();
  }

  public long errors() {
    return errorCount.sum();
  }

  /** Total time of the requests answered, in nanoseconds. */
  public long nanos() {
    return nanos.sum();
  }

  /** Requests per latency bucket ({@link #BUCKETS}, then the overflow), not cumulative. */
  public long[] buckets() {
    long[] out = new long[buckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = buckets[i].sum();
    }
    return out;
  }
}
