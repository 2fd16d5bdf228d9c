package io.watershed.server.admin;

import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.KinesisView;
import io.watershed.kinesis.catalog.ConsumerEntry;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.PartitionLog;
import io.watershed.server.http.Request;
import io.watershed.server.http.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/kinesis/streams}: the Kinesis door's streams as the AWS console's Kinesis pages
 * show them — status, mode, shard counts, retention, tags — a stream's shards with their lineage
 * (parents and children, hash-key and sequence-number ranges, open or closed, the partition that
 * holds each and what it holds) and its enhanced fan-out consumers. Read from the door's {@link
 * KinesisView} and the topics; nothing here changes a stream (Kinesis clients do that).
 */
final class KinesisApi {
  private final AdminContext ctx;

  KinesisApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/kinesis/streams", h.blocking(r -> list()));
    routes.get("/api/v1/kinesis/streams/{stream}", h.blocking(this::describe));
    routes.get("/api/v1/kinesis/streams/{stream}/shards", h.blocking(this::shards));
    routes.get("/api/v1/kinesis/streams/{stream}/consumers", h.blocking(this::consumers));
  }

  private Object list() {
    KinesisView view = ctx.kinesisStreams();
    List<Map<String, Object>> out = new ArrayList<>();
    for (StreamEntry s : view.streams()) {
      out.add(summary(view, s));
    }
    return Map.of("streams", out);
  }

  private Object describe(Request r) {
    KinesisView view = ctx.kinesisStreams();
    StreamEntry s = stream(view, r);
    Map<String, Object> m = summary(view, s);
    m.put("shardLevelMetrics", s.shardLevelMetrics());
    m.put("keyId", s.keyId());
    m.put("shards", shardList(s));
    m.put("consumers", consumerList(view, s));
    return m;
  }

  private Object shards(Request r) {
    StreamEntry s = stream(ctx.kinesisStreams(), r);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", s.name());
    m.put("shards", shardList(s));
    return m;
  }

  private Object consumers(Request r) {
    KinesisView view = ctx.kinesisStreams();
    StreamEntry s = stream(view, r);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", s.name());
    m.put("consumers", consumerList(view, s));
    return m;
  }

  private static StreamEntry stream(KinesisView view, Request r) {
    String name = r.pathParam("stream");
    return view.stream(name)
        .orElseThrow(() -> ApiException.notFound("no Kinesis stream '" + name + "'"));
  }

  private Map<String, Object> summary(KinesisView view, StreamEntry s) {
    int open = 0;
    int closed = 0;
    long records = 0;
    long size = 0;
    for (ShardEntry shard : s.visibleShards()) {
      if (shard.isOpen()) {
        open++;
      } else {
        closed++;
      }
      PartitionLog log = log(s, shard);
      if (log != null) {
        records += log.logEndOffset() - log.logStartOffset();
        size += log.sizeInBytes();
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("arn", view.arn(s.name()));
    m.put("status", s.status());
    m.put("mode", s.mode());
    m.put("openShards", open);
    m.put("closedShards", closed);
    m.put("retentionHours", s.retentionHours());
    m.put("created", Instant.ofEpochMilli(s.createdMillis()).toString());
    m.put("encryptionType", s.encryptionType());
    m.put("tags", s.tags());
    m.put("consumerCount", s.consumers().size());
    m.put("records", records);
    m.put("sizeBytes", size);
    m.put("topic", s.name());
    m.put("origin", s.catalogued() ? "kinesis" : "topic");
    return m;
  }

  private List<Map<String, Object>> shardList(StreamEntry s) {
    List<ShardEntry> visible = s.visibleShards();
    Map<Integer, List<String>> children = new HashMap<>();
    for (ShardEntry shard : visible) {
      for (int parent : new int[] {shard.parent(), shard.adjacentParent()}) {
        if (parent >= 0) {
          children.computeIfAbsent(parent, p -> new ArrayList<>()).add(shard.shardId());
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (ShardEntry shard : visible) {
      out.add(shard(s, shard, children.getOrDefault(shard.partition(), List.of())));
    }
    return out;
  }

  private Map<String, Object> shard(StreamEntry s, ShardEntry shard, List<String> children) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shardId", shard.shardId());
    m.put("parentShardId", shard.parent() < 0 ? null : ShardEntry.shardId(shard.parent()));
    m.put(
        "adjacentParentShardId",
        shard.adjacentParent() < 0 ? null : ShardEntry.shardId(shard.adjacentParent()));
    m.put("childShardIds", children);
    Map<String, Object> hashKeys = new LinkedHashMap<>();
    hashKeys.put("startingHashKey", shard.startingHashKey().toString());
    hashKeys.put("endingHashKey", shard.endingHashKey().toString());
    m.put("hashKeyRange", hashKeys);
    Map<String, Object> seq = new LinkedHashMap<>();
    seq.put("startingSequenceNumber", KinesisView.startingSequenceNumber(shard));
    seq.put("endingSequenceNumber", KinesisView.endingSequenceNumber(shard));
    m.put("sequenceNumberRange", seq);
    m.put("state", shard.isOpen() ? "OPEN" : shard.isClosed() ? "CLOSED" : "CLOSING");
    m.put("open", shard.isOpen());
    m.put("created", Instant.ofEpochMilli(shard.createdMillis()).toString());
    m.put(
        "closed",
        shard.closedMillis() < 0 ? null : Instant.ofEpochMilli(shard.closedMillis()).toString());
    m.put("partition", shard.partition());
    m.put("shardEndOffset", shard.isClosed() ? shard.endOffset() : null);
    PartitionLog log = log(s, shard);
    m.put("startOffset", log == null ? 0 : log.logStartOffset());
    m.put("endOffset", log == null ? 0 : log.logEndOffset());
    m.put("records", log == null ? 0 : log.logEndOffset() - log.logStartOffset());
    m.put("sizeBytes", log == null ? 0 : log.sizeInBytes());
    return m;
  }

  private static List<Map<String, Object>> consumerList(KinesisView view, StreamEntry s) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConsumerEntry c : s.consumers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("arn", view.consumerArn(s.name(), c));
      m.put("status", "ACTIVE");
      m.put("created", Instant.ofEpochMilli(c.createdMillis()).toString());
      m.put("tags", c.tags());
      out.add(m);
    }
    return out;
  }

  /** The log of a shard's partition, or null while the stream's topic is being made or removed. */
  private PartitionLog log(StreamEntry s, ShardEntry shard) {
    TopicStore topics = ctx.topics();
    if (s.topicId() == null) {
      return null;
    }
    return topics.partition(s.name(), shard.partition()).orElse(null);
  }
}
