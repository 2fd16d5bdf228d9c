package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.AppendOptions;
import io.watershed.log.AppendResult;
import io.watershed.log.InvalidRecordException;
import io.watershed.log.InvalidTimestampException;
import io.watershed.log.PartitionLog;
import io.watershed.log.RecordTooLargeException;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Header;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.server.http.Request;
import io.watershed.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/topics/{topic}/records}: appends records as Kafka's producers do — one v2
 * batch per partition, appended durably (as {@code acks=all}) to the partition log, so Kafka
 * consumers and every other reader see ordinary records. Keys are partitioned like Kafka's default
 * partitioner; a record may name its partition.
 */
final class ProduceApi {
  /** Most records one request may carry. */
  static final int MAX_RECORDS = 10_000;

  private final AdminContext ctx;
  private final KeyPartitioner partitioner = new KeyPartitioner();

  ProduceApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.post("/api/v1/topics/{topic}/records", h.async(this::produce));
  }

  private record Pending(
      int index, int partition, long timestamp, byte[] key, byte[] value, List<Header> headers) {}

  private CompletionStage<?> produce(Request r) {
    String name = r.pathParam("topic");
    TopicStore topics = ctx.topics();
    TopicMetadata t =
        topics.describe(name).orElseThrow(() -> ApiException.notFound("no topic '" + name + "'"));
    if (TopicStore.isInternal(name)) {
      throw new ApiException(
          HttpResponseStatus.FORBIDDEN,
          "topic '" + name + "' is internal to Watershed and cannot be written");
    }
    ObjectNode body = Json.object(r);
    String encoding = Json.text(body, "encoding", false);
    if (encoding != null && !encoding.equals("text") && !encoding.equals("base64")) {
      throw ApiException.badRequest("'encoding' must be text or base64");
    }
    JsonNode records = body.get("records");
    if (records == null || !records.isArray() || records.isEmpty()) {
      throw ApiException.badRequest("'records' must be a non-empty array");
    }
    if (records.size() > MAX_RECORDS) {
      throw ApiException.badRequest(
          "at most " + MAX_RECORDS + " records per request, not " + records.size());
    }
    long now = System.currentTimeMillis();
    int unkeyedPartition = partitioner.forUnkeyed(t.partitionCount());
    Map<Integer, List<Pending>> byPartition = new TreeMap<>();
    int i = 0;
    for (JsonNode rec : records) {
      if (!rec.isObject()) {
        throw ApiException.badRequest("records[" + i + "] must be an object");
      }
      byte[] key = ValueFormat.decode(Json.text(rec, "key", false), encoding, "key");
      byte[] value = ValueFormat.decode(valueText(rec, i), encoding, "value");
      long partition = Json.integer(rec, "partition", -1, -1, t.partitionCount() - 1L);
      int p =
          partition >= 0
              ? (int) partition
              : key != null ? partitioner.forKey(key, t.partitionCount()) : unkeyedPartition;
      long ts = Json.integer(rec, "timestamp", now, 0, Long.MAX_VALUE);
      byPartition
          .computeIfAbsent(p, x -> new ArrayList<>())
          .add(new Pending(i, p, ts, key, value, headers(rec.get("headers"), encoding, i)));
      i++;
    }
    long[] offsets = new long[records.size()];
    int[] partitions = new int[records.size()];
    List<CompletableFuture<Void>> appends = new ArrayList<>();
    for (Map.Entry<Integer, List<Pending>> e : byPartition.entrySet()) {
      PartitionLog log = topics.partition(name, e.getKey()).orElseThrow();
      RecordBatchBuilder batch = RecordBatchBuilder.create(CompressionType.NONE);
      for (Pending p : e.getValue()) {
        batch.append(p.timestamp, p.key, p.value, p.headers);
      }
      List<Pending> those = e.getValue();
      appends.add(
          log.append(batch.build(), AppendOptions.DURABLE)
              .thenAccept(
                  (AppendResult result) -> {
                    for (int k = 0; k < those.size(); k++) {
                      offsets[those.get(k).index] = result.firstOffset() + k;
                      partitions[those.get(k).index] = those.get(k).partition;
                    }
                  }));
    }
    return CompletableFuture.allOf(appends.toArray(CompletableFuture<?>[]::new))
        .exceptionally(
            error -> {
              Throwable e = ApiHandlers.unwrap(error);
              if (e instanceof RecordTooLargeException) {
                throw new ApiException(
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "append refused: " + e.getMessage());
              }
              if (e instanceof InvalidRecordException || e instanceof InvalidTimestampException) {
                throw ApiException.badRequest("append refused: " + e.getMessage());
              }
              throw new java.util.concurrent.CompletionException(e);
            })
        .thenApply(
            ignored -> {
              List<Map<String, Object>> out = new ArrayList<>();
              for (int k = 0; k < offsets.length; k++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("partition", partitions[k]);
                m.put("offset", offsets[k]);
                out.add(m);
              }
              return Map.of("topic", name, "records", out);
            });
  }

  /** The value as text: a JSON value other than a string is sent as its JSON text. */
  private static String valueText(JsonNode rec, int i) {
    JsonNode v = rec.get("value");
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isTextual() ? v.asText() : v.toString();
  }

  private static List<Header> headers(JsonNode node, String encoding, int i) {
    List<Header> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isObject()) {
      node.properties()
          .forEach(
              e ->
                  out.add(
                      new Header(
                          e.getKey(),
                          ValueFormat.decode(e.getValue().asText(), encoding, "header value"))));
    } else if (node.isArray()) {
      for (JsonNode h : node) {
        String key = h.isObject() ? Json.text(h, "key", true) : null;
        out.add(
            new Header(key, ValueFormat.decode(Json.text(h, "value", false), encoding, "header")));
      }
    } else {
      throw ApiException.badRequest(
          "records[" + i + "].headers must be an object or an array of {key, value}");
    }
    return out;
  }
}
