package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.ActiveMembersException;
import io.watershed.kafka.group.GroupView;
import io.watershed.log.PartitionLog;
import io.watershed.log.TimestampOffset;
import io.watershed.server.http.Request;
import io.watershed.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/v1/groups}: Kafka consumer groups — the coordinator's live view (state, members,
 * assignments) joined with its committed offsets, with lag per partition; and offset resets (to the
 * earliest or latest offset, an offset or a timestamp, with a dry run), refused while the group has
 * members, as Kafka's {@code kafka-consumer-groups --reset-offsets} is.
 */
final class GroupsApi {
  private final AdminContext ctx;

  GroupsApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/groups", h.blocking(r -> list()));
    routes.get("/api/v1/groups/{group}", h.blocking(this::describe));
    routes.post("/api/v1/groups/{group}/reset-offsets", h.async(this::reset));
  }

  /** The coordinator's groups; waits briefly, the coordinator answers from memory. */
  private Map<String, GroupView> views() throws Exception {
    Map<String, GroupView> out = new TreeMap<>();
    for (GroupView v : ctx.kafkaGroups().views().get(5, TimeUnit.SECONDS)) {
      out.put(v.groupId(), v);
    }
    return out;
  }

  private Object list() throws Exception {
    Map<String, GroupView> views = views();
    Set<String> ids = new TreeSet<>(views.keySet());
    ids.addAll(ctx.kafkaGroups().committedOffsets().keySet());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String id : ids) {
      GroupView v = views.get(id);
      List<Map<String, Object>> partitions = partitions(id, v);
      long lag = 0;
      Set<String> groupTopics = new TreeSet<>();
      for (Map<String, Object> p : partitions) {
        groupTopics.add((String) p.get("topic"));
        if (p.get("lag") instanceof Long l) {
          lag += l;
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("groupId", id);
      m.put("type", v == null ? "classic" : v.type());
      m.put("state", v == null ? "Empty" : v.state());
      m.put("members", v == null ? 0 : v.members().size());
      m.put("topics", List.copyOf(groupTopics));
      m.put("lag", lag);
      out.add(m);
    }
    return Map.of("groups", out);
  }

  private Object describe(Request r) throws Exception {
    String id = r.pathParam("group");
    GroupView v = views().get(id);
    if (v == null && ctx.kafkaGroups().committedOffsets(id).isEmpty()) {
      throw ApiException.notFound("no consumer group '" + id + "'");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groupId", id);
    m.put("type", v == null ? "classic" : v.type());
    m.put("state", v == null ? "Empty" : v.state());
    m.put("protocol", v == null ? "" : v.protocol());
    List<Map<String, Object>> members = new ArrayList<>();
    if (v != null) {
      for (GroupView.Member mem : v.members()) {
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("memberId", mem.memberId());
        mm.put("instanceId", mem.instanceId());
        mm.put("clientId", mem.clientId());
        mm.put("host", mem.clientHost());
        mm.put("assignment", mem.assignment());
        members.add(mm);
      }
    }
    m.put("members", members);
    List<Map<String, Object>> partitions = partitions(id, v);
    long lag = 0;
    for (Map<String, Object> p : partitions) {
      if (p.get("lag") instanceof Long l) {
        lag += l;
      }
    }
    m.put("lag", lag);
    m.put("offsets", partitions);
    return m;
  }

  /**
   * One row per partition the group has committed or is assigned: committed offset, log end, lag
   * (null when nothing is committed) and the member that owns it.
   */
  private List<Map<String, Object>> partitions(String groupId, GroupView v) {
    TopicStore topics = ctx.topics();
    Map<String, Map<Integer, String>> owners = new TreeMap<>();
    if (v != null) {
      for (GroupView.Member mem : v.members()) {
        mem.assignment()
            .forEach(
                (topic, ps) ->
                    ps.forEach(
                        p ->
                            owners
                                .computeIfAbsent(topic, x -> new TreeMap<>())
                                .put(p, mem.memberId())));
      }
    }
    Map<String, Map<Integer, CommittedOffset>> committed = new TreeMap<>();
    for (PartitionOffset po : ctx.kafkaGroups().committedOffsets(groupId).all()) {
      committed
          .computeIfAbsent(po.topic(), x -> new TreeMap<>())
          .put(po.partition(), po.committed());
    }
    Set<String> names = new TreeSet<>(owners.keySet());
    names.addAll(committed.keySet());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String topic : names) {
      Set<Integer> ps = new TreeSet<>(owners.getOrDefault(topic, Map.of()).keySet());
      ps.addAll(committed.getOrDefault(topic, Map.of()).keySet());
      for (int p : ps) {
        Optional<PartitionLog> log = topics.partition(topic, p);
        CommittedOffset c = committed.getOrDefault(topic, Map.of()).get(p);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("topic", topic);
        row.put("partition", p);
        row.put("committedOffset", c == null ? null : c.offset());
        row.put("endOffset", log.map(PartitionLog::logEndOffset).orElse(null));
        row.put(
            "lag",
            c == null || log.isEmpty() ? null : Math.max(0, log.get().logEndOffset() - c.offset()));
        row.put("memberId", owners.getOrDefault(topic, Map.of()).get(p));
        row.put("metadata", c == null ? null : c.metadata());
        rows.add(row);
      }
    }
    return rows;
  }

  private CompletionStage<?> reset(Request r) throws Exception {
    String id = r.pathParam("group");
    ObjectNode body = Json.object(r);
    String to = Json.text(body, "to", true);
    boolean dryRun = Json.bool(body, "dryRun", false);
    String topicName = Json.text(body, "topic", true);
    TopicStore topics = ctx.topics();
    List<TopicMetadata> targets = new ArrayList<>();
    if (topicName.equals("*")) {
      GroupOffsets g = ctx.kafkaGroups().committedOffsets(id);
      if (g.isEmpty()) {
        throw ApiException.notFound("group '" + id + "' has no committed offsets; name a topic");
      }
      for (String t : g.topics()) {
        topics.describe(t).ifPresent(targets::add);
      }
    } else {
      targets.add(
          topics
              .describe(topicName)
              .orElseThrow(() -> ApiException.notFound("no topic '" + topicName + "'")));
    }
    Set<Integer> only = partitionsOf(body.get("partitions"));
    long offset = Json.integer(body, "offset", -1, 0, Long.MAX_VALUE);
    long timestamp = Json.integer(body, "timestamp", -1, 0, Long.MAX_VALUE);
    switch (to) {
      case "earliest", "latest" -> {}
      case "offset" -> {
        if (offset < 0) {
          throw ApiException.badRequest("to=offset needs 'offset'");
        }
      }
      case "timestamp" -> {
        if (timestamp < 0) {
          throw ApiException.badRequest("to=timestamp needs 'timestamp' (ms since the epoch)");
        }
      }
      default ->
          throw ApiException.badRequest(
              "'to' must be earliest, latest, offset or timestamp, not '" + to + "'");
    }
    GroupView v = views().get(id);
    if (v != null && !v.members().isEmpty()) {
      throw ApiException.conflict(
          "group '"
              + id
              + "' has "
              + v.members().size()
              + " active member(s); offsets can only be reset while the group is inactive");
    }
    List<PartitionOffset> offsets = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (TopicMetadata t : targets) {
      for (int p = 0; p < t.partitionCount(); p++) {
        if (!only.isEmpty() && !only.contains(p)) {
          continue;
        }
        PartitionLog log = topics.partition(t.name(), p).orElseThrow();
        long target =
            switch (to) {
              case "earliest" -> log.logStartOffset();
              case "latest" -> log.logEndOffset();
              case "offset" -> Math.min(Math.max(offset, log.logStartOffset()), log.logEndOffset());
              default -> {
                TimestampOffset found = log.offsetForTimestamp(timestamp);
                yield found == null ? log.logEndOffset() : found.offset();
              }
            };
        Optional<CommittedOffset> previous = ctx.kafkaGroups().committed(id, t.name(), p);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("topic", t.name());
        row.put("partition", p);
        row.put("previousOffset", previous.map(CommittedOffset::offset).orElse(null));
        row.put("newOffset", target);
        rows.add(row);
        offsets.add(
            new PartitionOffset(
                t.name(),
                p,
                new CommittedOffset(target, CommittedOffset.NO_LEADER_EPOCH, "", now)));
      }
    }
    for (int p : only) {
      if (targets.size() == 1 && p >= targets.get(0).partitionCount()) {
        throw ApiException.badRequest(
            "topic '" + targets.get(0).name() + "' has no partition " + p);
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("groupId", id);
    answer.put("dryRun", dryRun);
    answer.put("offsets", rows);
    if (dryRun || offsets.isEmpty()) {
      return CompletableFuture.completedFuture(answer);
    }
    return ctx.kafkaGroups()
        .resetOffsets(id, offsets)
        .handle(
            (ok, error) -> {
              if (error == null) {
                return answer;
              }
              if (ApiHandlers.unwrap(error) instanceof ActiveMembersException a) {
                throw ApiException.conflict(a.getMessage());
              }
              throw new CompletionException(error);
            });
  }

  private static Set<Integer> partitionsOf(JsonNode node) {
    Set<Integer> out = new TreeSet<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw ApiException.badRequest("'partitions' must be an array of partition numbers");
    }
    for (JsonNode n : node) {
      if (!n.isInt() || n.asInt() < 0) {
        throw ApiException.badRequest("'partitions' must hold partition numbers ≥ 0");
      }
      out.add(n.asInt());
    }
    return out;
  }
}
