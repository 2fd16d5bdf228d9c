package io.watershed.server.admin;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupView;
import io.watershed.log.PartitionLog;
import io.watershed.log.PartitionTraffic;
import io.watershed.server.Version;
import io.watershed.server.config.ConfigKeys;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.http.Router;
import io.watershed.server.metrics.Metrics;
import io.watershed.server.metrics.RequestMetrics;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The server as a whole: {@code GET /api/v1/cluster} (version, ids, doors and their ports and
 * connections, counts), {@code GET /api/v1/config} (the effective configuration) and {@code GET
 * /api/v1/stats} (running totals the console turns into rates and latency charts).
 */
final class ClusterApi {
  private final AdminContext ctx;
  private final ServerConfig config;
  private final Metrics metrics;
  private final Supplier<Map<String, Integer>> ports;
  private final Map<String, IntSupplier> connections;

  ClusterApi(
      AdminContext ctx,
      ServerConfig config,
      Metrics metrics,
      Supplier<Map<String, Integer>> ports,
      Map<String, IntSupplier> connections) {
    this.ctx = ctx;
    this.config = config;
    this.metrics = metrics;
    this.ports = ports;
    this.connections = connections;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/cluster", h.blocking(r -> cluster()));
    routes.get("/api/v1/config", h.blocking(r -> config()));
    routes.get("/api/v1/stats", h.blocking(r -> stats()));
  }

  private Object cluster() throws Exception {
    TopicStore topics = ctx.topics();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", Version.get());
    m.put("clusterId", topics.clusterId().toString());
    m.put("ready", ctx.ready().getAsBoolean());
    m.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
    Map<String, Object> doors = new LinkedHashMap<>();
    Map<String, Integer> bound = ports.get();
    for (String door : ConfigKeys.DOORS) {
      Map<String, Object> d = new LinkedHashMap<>();
      Integer port = bound.get(door);
      d.put("status", port != null ? "listening" : "not available");
      d.put("port", port);
      IntSupplier open = connections.get(door);
      if (open != null && port != null) {
        d.put("connections", open.getAsInt());
      }
      doors.put(door, d);
    }
    m.put("doors", doors);
    int partitions = 0;
    for (TopicMetadata t : topics.list()) {
      partitions += t.partitionCount();
    }
    m.put("topics", topics.list().size());
    m.put("partitions", partitions);
    m.put("groups", kafkaGroupCount());
    m.put("dataDir", config.dataDir().toString());
    m.put("logFlush", config.logFlush().toString());
    return m;
  }

  /**
   * Kafka consumer groups the coordinator knows: those it coordinates and those with nothing but
   * committed offsets; 0 while the Kafka door is not started.
   */
  private int kafkaGroupCount() throws Exception {
    GroupCoordinator groups = ctx.kafkaGroupsIfStarted();
    if (groups == null) {
      return 0;
    }
    Set<String> ids = new TreeSet<>(groups.committedOffsets().keySet());
    for (GroupView v : groups.views().get(5, TimeUnit.SECONDS)) {
      ids.add(v.groupId());
    }
    return ids.size();
  }

  private Object config() {
    Map<String, Object> s = new TreeMap<>();
    s.put(ConfigKeys.DATA_DIR, config.dataDir().toString());
    s.put(ConfigKeys.BIND_HOST, config.bindHost());
    s.put(ConfigKeys.ADVERTISED_HOST, config.advertisedHost());
    config.ports().forEach((door, port) -> s.put(ConfigKeys.portKey(door), String.valueOf(port)));
    ctx.topics()
        .logs()
        .config()
        .defaults()
        .toMap()
        .forEach((k, v) -> s.put(ConfigKeys.LOG_PREFIX + k, v));
    s.putAll(config.logDefaults());
    s.put(ConfigKeys.LOG_FLUSH, config.logFlush().toString());
    s.putAll(config.doorSettings());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", s);
    m.put("boundPorts", ports.get());
    return m;
  }

  private Object stats() {
    long recordsIn = 0;
    long bytesIn = 0;
    long recordsOut = 0;
    long bytesOut = 0;
    TopicStore topics = ctx.topics();
    for (TopicMetadata t : topics.list()) {
      for (int p = 0; p < t.partitionCount(); p++) {
        PartitionLog log = topics.partition(t.name(), p).orElse(null);
        if (log != null) {
          PartitionTraffic tr = log.traffic();
          recordsIn += tr.recordsIn();
          bytesIn += tr.bytesIn();
          recordsOut += tr.recordsOut();
          bytesOut += tr.bytesOut();
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timeMs", System.currentTimeMillis());
    m.put("recordsIn", recordsIn);
    m.put("bytesIn", bytesIn);
    m.put("recordsOut", recordsOut);
    m.put("bytesOut", bytesOut);
    m.put(
        "eventStoreEndPosition", ctx.eventStore().store() == null ? 0 : ctx.events().endPosition());
    Map<String, Object> doors = new LinkedHashMap<>();
    metrics
        .doors()
        .forEach(
            (name, rm) -> {
              Map<String, Object> d = new LinkedHashMap<>();
              d.put("requests", rm.count());
              d.put("errors", rm.errors());
              d.put("nanos", rm.nanos());
              d.put("buckets", rm.buckets());
              IntSupplier open = connections.get(name);
              d.put("connections", open == null ? 0 : Math.max(0, open.getAsInt()));
              doors.put(name, d);
            });
    m.put("doors", doors);
    m.put("bucketBoundsSeconds", RequestMetrics.bucketBounds());
    return m;
  }
}
