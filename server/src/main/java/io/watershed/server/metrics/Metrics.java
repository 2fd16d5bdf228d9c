package io.watershed.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Everything {@code /metrics} shows, in one Prometheus registry of its own: request counts and
 * latencies per front door and API (observed by the doors through {@link RequestMetrics}),
 * connections per door, the engine's and consumers' figures read at scrape time, and the JVM and
 * process metrics of the Prometheus Java client. Names and meanings are listed in the README.
 */
public final class Metrics {
  /** Where the scrape-time collectors find the server's parts; each supplier may give null. */
  public record Sources(
      Supplier<TopicStore> topics,
      Supplier<GroupCoordinator> kafkaGroups,
      Supplier<EventStore> eventStore,
      Supplier<PersistentSubscriptions> subscriptions,
      Supplier<CoordinatorRuntime> coordinators,
      Map<String, IntSupplier> connections) {}

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Histogram durations;
  private final Counter errors;
  private final Counter protocolErrors;
  private final Map<String, RequestMetrics> doors = new LinkedHashMap<>();
  private RequestMetrics http;
  private boolean jvmMetricsRegistered;

  public Metrics() {
    durations =
        Histogram.builder()
            .name("watershed_request_duration_seconds")
            .help(
                "Time from a request's arrival to its answer, per front door and API (the _count"
                    + " is the number of requests; a subscription counts as one request for as"
                    + " long as it is open).")
            .labelNames("door", "api")
            .classicOnly()
            .classicUpperBounds(RequestMetrics.BUCKETS)
            .register(registry);
    errors =
        Counter.builder()
            .name("watershed_request_errors_total")
            .help("Requests answered with an error, per front door and API.")
            .labelNames("door", "api")
            .register(registry);
    protocolErrors =
        Counter.builder()
            .name("watershed_protocol_errors_total")
            .help(
                "Input refused as not the door's protocol (a bad connection preface, TLS to a"
                    + " plaintext port, an undecodable frame or request), per front door.")
            .labelNames("door")
            .register(registry);
  }

  /** The request metrics of a door ({@code kafka}, {@code eventstore} …), made on first use. */
  public synchronized RequestMetrics door(String door) {
    return doors.computeIfAbsent(
        door, d -> new RequestMetrics(d, durations, errors, protocolErrors));
  }

  /**
   * The request metrics of the HTTP endpoint (admin API, console, {@code /metrics}), as {@code
   * door="http"} with the route as {@code api}. Kept out of {@link #doors()}: the console's charts
   * show client traffic, not the console's own polling.
   */
  public synchronized RequestMetrics http() {
    if (http == null) {
      http = new RequestMetrics("http", durations, errors, protocolErrors);
    }
    return http;
  }

  /** Every door's request metrics, in the order they were made. */
  public synchronized Map<String, RequestMetrics> doors() {
    return Map.copyOf(doors);
  }

  /** Registers the scrape-time collectors; once, when the server is assembled. */
  public void bind(Sources sources) {
    GaugeWithCallback.builder()
        .name("watershed_connections")
        .help("Client connections open now, per front door.")
        .labelNames("door")
        .callback(
            cb ->
                sources
                    .connections()
                    .forEach(
                        (door, open) -> {
                          int n = open.getAsInt();
                          if (n >= 0) {
                            cb.call(n, door);
                          }
                        }))
        .register(registry);
    registry.register(new StorageCollector(sources.topics()));
    registry.register(new CoordinatorCollector(sources.coordinators()));
    registry.register(
        new GroupCollector(
            sources.topics(),
            sources.kafkaGroups(),
            sources.eventStore(),
            sources.subscriptions()));
  }

  /** Every metric in the Prometheus text format. May block briefly: not on an event loop. */
  public byte[] scrape() throws IOException {
    registerJvmMetrics();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
    writer.write(out, registry.scrape());
    return out.toByteArray();
  }

  /**
   * Registers the JVM and process metrics at the first scrape rather than at start-up: their
   * collectors load the platform MXBeans (a few hundred classes), which took 0.5 to 1.4 s of a cold
   * start on a busy machine, and nothing reads them before a scrape. The allocation counters count
   * from then on.
   */
  private synchronized void registerJvmMetrics() {
    if (!jvmMetricsRegistered) {
      JvmMetrics.builder().register(registry);
      jvmMetricsRegistered = true;
    }
  }

  public String contentType() {
    return writer.getContentType();
  }
}
