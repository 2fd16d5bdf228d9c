package io.watershed.server.admin;

import io.watershed.kafka.KafkaConfig;
import io.watershed.server.config.ConfigException;
import io.watershed.server.config.KafkaSettings;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.http.Router;
import io.watershed.server.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The admin API under {@code /api/v1/}: JSON over HTTP for topics, records, consumer groups,
 * event-store streams and persistent subscriptions, Kinesis streams with their shard lineage and
 * consumers, the cluster, its configuration and running totals, and the OpenAPI document that
 * describes all of it. The console and the CLI use only this.
 *
 * <p>Limits: request bodies up to {@link io.watershed.server.http.HttpService#MAX_REQUEST_BYTES};
 * at most {@link RecordsApi#MAX_LIMIT} records and {@link RecordsApi#MAX_READ_BYTES} bytes of
 * batches per read, {@link ProduceApi#MAX_RECORDS} records per produce, {@link
 * StreamsApi#MAX_LIMIT} events per read and {@link StreamsApi#MAX_EVENTS} per append, long polls up
 * to {@link RecordsApi#MAX_WAIT_MS} ms.
 */
public final class AdminApi {
  private AdminApi() {}

  /**
   * Adds the routes.
   *
   * @param executor where handlers that block run (never the event loop)
   * @param ports the ports the server's listeners are bound to, once started
   * @param connections open connections per door
   */
  public static void register(
      Router routes,
      AdminContext ctx,
      ServerConfig config,
      Metrics metrics,
      Executor executor,
      Supplier<Map<String, Integer>> ports,
      Map<String, IntSupplier> connections) {
    ApiHandlers h = new ApiHandlers(executor);
    TopicsApi topics = new TopicsApi(ctx);
    topics.register(routes, h);
    new RecordsApi(ctx, topics, executor).register(routes, h);
    new ProduceApi(ctx, autoCreate(config)).register(routes, h);
    new GroupsApi(ctx).register(routes, h);
    new StreamsApi(ctx).register(routes, h);
    new SubscriptionsApi(ctx).register(routes, h);
    new ClusterApi(ctx, config, metrics, ports, connections).register(routes, h);
    new KinesisApi(ctx).register(routes, h);
    new OpenApi().register(routes, executor);
  }

  /** The Kafka door's policy for topics used before they exist, read from its settings. */
  private static ProduceApi.AutoCreate autoCreate(ServerConfig config) {
    try {
      KafkaConfig kafka =
          KafkaSettings.build(
              config.doorSettings("kafka"),
              config.bindHost(),
              config.kafkaPort(),
              config.advertisedHost());
      return new ProduceApi.AutoCreate(kafka.autoCreateTopics(), kafka.defaultPartitions());
    } catch (ConfigException e) {
      // Settings are checked when the configuration is loaded; a server never gets here with bad
      // ones.
      throw new IllegalStateException("bad Kafka settings: " + e.getMessage(), e);
    }
  }
}
