package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.log.LogConfig;
import io.watershed.log.LogDamage;
import io.watershed.log.PartitionLog;
import io.watershed.log.PartitionTraffic;
import io.watershed.server.http.Request;
import io.watershed.server.http.Response;
import io.watershed.server.http.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/topics}: list, create, describe (partitions with offsets, sizes and traffic,
 * whether they take writes, damaged ranges; effective configs with their source), alter configs,
 * add partitions, delete; verify a topic's segment files, and skip a partition's damaged ranges on
 * an operator's request.
 */
final class TopicsApi {
  private final AdminContext ctx;

  TopicsApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/topics", h.blocking(this::list));
    routes.post("/api/v1/topics", h.async(this::create));
    routes.get("/api/v1/topics/{topic}", h.blocking(r -> describe(topic(r))));
    routes.delete("/api/v1/topics/{topic}", h.async(this::delete));
    routes.patch("/api/v1/topics/{topic}/configs", h.async(this::alterConfigs));
    routes.post("/api/v1/topics/{topic}/partitions", h.async(this::addPartitions));
    routes.post("/api/v1/topics/{topic}/verify", h.blocking(r -> verify(topic(r))));
    routes.post("/api/v1/topics/{topic}/partitions/{partition}/repair", h.blocking(this::repair));
  }

  /**
   * Verifies every segment of every partition of {@code t} now (a CRC scan; reads the whole topic
   * from disk) and answers each partition's damaged ranges.
   */
  private Object verify(TopicMetadata t) {
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (int p = 0; p < t.partitionCount(); p++) {
      PartitionLog log = ctx.topics().partition(t.name(), p).orElse(null);
      if (log != null) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("partition", p);
        pm.put("damaged", damageJson(log.verify()));
        partitions.add(pm);
      }
    }
    return Map.of("topic", t.name(), "partitions", partitions);
  }

  /**
   * Skips the damaged ranges of one partition, on purpose: the damaged bytes are removed (their
   * offsets become a gap), a damaged tail of unknown extent is cut so appends resume. With {@code
   * dryRun=true} only says what would be skipped. Answers the ranges.
   */
  private Object repair(Request r) throws IOException {
    TopicMetadata t = topic(r);
    int p = Params.partition(r);
    PartitionLog log =
        ctx.topics()
            .partition(t.name(), p)
            .orElseThrow(
                () -> ApiException.notFound("no partition " + p + " in '" + t.name() + "'"));
    boolean dryRun = Params.bool(r, "dryRun", false);
    List<LogDamage> ranges = dryRun ? log.verify() : ctx.topics().logs().skipDamage(log.name());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", t.name());
    m.put("partition", p);
    m.put("dryRun", dryRun);
    m.put("skipped", damageJson(ranges));
    m.put("endOffset", log.logEndOffset());
    return m;
  }

  private static List<Map<String, Object>> damageJson(List<LogDamage> damages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LogDamage d : damages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("firstOffset", d.firstOffset());
      m.put("endOffset", d.endKnown() ? d.endOffset() : null);
      m.put("segment", d.segment());
      m.put("position", d.position());
      m.put("bytes", d.length());
      m.put("problem", d.problem());
      out.add(m);
    }
    return out;
  }

  TopicMetadata topic(Request r) {
    String name = r.pathParam("topic");
    return ctx.topics()
        .describe(name)
        .orElseThrow(() -> ApiException.notFound("no topic '" + name + "'"));
  }

  private Object list(Request r) {
    boolean internal = Params.bool(r, "internal", true);
    List<Map<String, Object>> out = new ArrayList<>();
    TopicStore topics = ctx.topics();
    for (TopicMetadata t : topics.list()) {
      if (!internal && TopicStore.isInternal(t.name())) {
        continue;
      }
      long size = 0;
      long records = 0;
      for (int p = 0; p < t.partitionCount(); p++) {
        PartitionLog log = topics.partition(t.name(), p).orElse(null);
        if (log != null) {
          size += log.sizeInBytes();
          records += log.logEndOffset() - log.logStartOffset();
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("partitions", t.partitionCount());
      m.put("internal", TopicStore.isInternal(t.name()));
      m.put("records", records);
      m.put("sizeBytes", size);
      m.put("cleanupPolicy", topics.effectiveConfig(t).cleanupPolicy());
      out.add(m);
    }
    return Map.of("topics", out);
  }

  private CompletionStage<?> create(Request r) {
    ObjectNode body = Json.object(r);
    String name = Json.text(body, "name", true);
    int partitions = (int) Json.integer(body, "partitions", 1, 1, 100_000);
    Map<String, String> configs = configMap(body.get("configs"), "configs");
    return ctx.topics()
        .create(name, partitions, configs)
        .thenApply(t -> Response.json(HttpResponseStatus.CREATED, describe(t)));
  }

  private CompletionStage<?> delete(Request r) {
    TopicMetadata t = topic(r);
    return ctx.topics()
        .delete(t.name())
        .thenApply(
            ignored -> {
              // The Kafka groups' offsets of the topic go now rather than at the coordinator's
              // next sweep (they are never answered meanwhile).
              GroupCoordinator groups = ctx.kafkaGroupsIfStarted();
              if (groups != null) {
                groups.topicsDeleted();
              }
              return Response.json(HttpResponseStatus.OK, Map.of("deleted", t.name()));
            });
  }

  private CompletionStage<?> alterConfigs(Request r) {
    TopicMetadata t = topic(r);
    ObjectNode body = Json.object(r);
    Map<String, String> set = configMap(body.get("set"), "set");
    Set<String> remove = new HashSet<>();
    JsonNode rm = body.get("remove");
    if (rm != null && !rm.isNull()) {
      if (!rm.isArray()) {
        throw ApiException.badRequest("'remove' must be an array of config names");
      }
      rm.forEach(n -> remove.add(n.asText()));
    }
    if (set.isEmpty() && remove.isEmpty()) {
      throw ApiException.badRequest("nothing to change: give 'set' and/or 'remove'");
    }
    for (String key : set.keySet()) {
      if (remove.contains(key)) {
        throw ApiException.badRequest("'" + key + "' is both set and removed");
      }
    }
    for (String key : union(set.keySet(), remove)) {
      if (!LogConfig.names().contains(key)) {
        throw ApiException.badRequest(
            "unknown topic config '" + key + "'; known: " + String.join(", ", LogConfig.names()));
      }
    }
    return ctx.topics()
        .alterConfigs(t.name(), set, remove)
        .thenApply(ignored -> describe(ctx.topics().describe(t.name()).orElseThrow()));
  }

  private CompletionStage<?> addPartitions(Request r) {
    TopicMetadata t = topic(r);
    ObjectNode body = Json.object(r);
    int count = (int) Json.integer(body, "count", -1, 1, 100_000);
    if (count < 0) {
      throw ApiException.badRequest("'count' (the new partition count) is required");
    }
    if (count <= t.partitionCount()) {
      throw ApiException.badRequest(
          "topic '"
              + t.name()
              + "' has "
              + t.partitionCount()
              + " partitions; 'count' must be more");
    }
    return ctx.topics()
        .createPartitions(t.name(), count)
        .thenApply(ignored -> describe(ctx.topics().describe(t.name()).orElseThrow()));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }

  private static Map<String, String> configMap(JsonNode node, String field) {
    Map<String, String> out = new TreeMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw ApiException.badRequest("'" + field + "' must be an object of config name to value");
    }
    node.properties()
        .forEach(
            e -> {
              JsonNode v = e.getValue();
              if (!v.isValueNode() || v.isNull()) {
                throw ApiException.badRequest("config '" + e.getKey() + "' must have a value");
              }
              out.put(e.getKey(), v.asText());
            });
    return out;
  }

  Map<String, Object> describe(TopicMetadata t) {
    TopicStore topics = ctx.topics();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("topicId", t.topicId().toString());
    m.put("internal", TopicStore.isInternal(t.name()));
    List<Map<String, Object>> partitions = new ArrayList<>();
    long size = 0;
    long records = 0;
    for (int p = 0; p < t.partitionCount(); p++) {
      PartitionLog log = topics.partition(t.name(), p).orElse(null);
      if (log == null) {
        continue;
      }
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("partition", p);
      pm.put("startOffset", log.logStartOffset());
      pm.put("endOffset", log.logEndOffset());
      pm.put("records", log.logEndOffset() - log.logStartOffset());
      pm.put("sizeBytes", log.sizeInBytes());
      pm.put("segments", log.segmentCount());
      PartitionTraffic traffic = log.traffic();
      pm.put("recordsIn", traffic.recordsIn());
      pm.put("bytesIn", traffic.bytesIn());
      pm.put("recordsOut", traffic.recordsOut());
      pm.put("bytesOut", traffic.bytesOut());
      pm.put("writable", !log.isFenced());
      if (log.isFenced()) {
        pm.put("fenced", log.fenceReason());
      }
      pm.put("damaged", damageJson(log.damages()));
      size += log.sizeInBytes();
      records += log.logEndOffset() - log.logStartOffset();
      partitions.add(pm);
    }
    m.put("partitionCount", t.partitionCount());
    m.put("records", records);
    m.put("sizeBytes", size);
    m.put("partitions", partitions);
    Map<String, Object> configs = new LinkedHashMap<>();
    Map<String, String> effective = topics.effectiveConfig(t).toMap();
    for (String name : LogConfig.names()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("value", effective.get(name));
      c.put("source", t.configs().containsKey(name) ? "topic" : "default");
      configs.put(name, c);
    }
    m.put("configs", configs);
    return m;
  }
}
