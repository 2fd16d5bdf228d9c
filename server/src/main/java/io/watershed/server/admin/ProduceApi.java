package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.metadata.MetadataError;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/topics/{topic}/records}: appends records as Kafka's producers do — one v2
 * batch per partition, appended durably (as {@code acks=all}) to the partition log, so Kafka
 * consumers and every other reader see ordinary records. Keys are partitioned like Kafka's default
 * partitioner; a record may name its partition.
 *
 * <p>A topic that does not exist is created on first use as the Kafka door creates it for its
 * clients: when {@code kafka.auto.create.topics.enable} is true (the default), with {@code
 * kafka.num.partitions} partitions. {@code ?create=false} refuses instead (404), and so does the
 * server when that setting is false. The body is checked before a topic is created, so a refused
 * request creates nothing.
 */
final class ProduceApi {
  /** Most records one request may carry. */
  static final int MAX_RECORDS = 10_000;

  private final AdminContext ctx;
  private final AutoCreate autoCreate;
  private final KeyPartitioner partitioner = new KeyPartitioner();

  /**
   * The policy for topics produced to before they exist: the Kafka door's.
   *
   * @param enabled whether they are created
   * @param partitions how many partitions they get
   */
  record AutoCreate(boolean enabled, int partitions) {}

  ProduceApi(AdminContext ctx, AutoCreate autoCreate) {
    this.ctx = ctx;
    this.autoCreate = autoCreate;
  }

  void register(Router routes, ApiHandlers h) {
    routes.post("/api/v1/topics/{topic}/records", h.async(this::produce));
  }

  /** A record of the request, decoded; {@code partition} is -1 when the record names none. */
  private record Proposed(
      int index, long partition, long timestamp, byte[] key, byte[] value, List<Header> headers) {}

  private record Pending(int partition, Proposed record) {}

  private CompletionStage<?> produce(Request r) {
    String name = r.pathParam("topic");
    if (TopicStore.isInternal(name)) {
      throw new ApiException(
          HttpResponseStatus.FORBIDDEN,
          "topic '" + name + "' is internal to Watershed and cannot be written");
    }
    boolean mayCreate = Params.bool(r, "create", true);
    List<Proposed> records = records(Json.object(r));
    long highestPartition = records.stream().mapToLong(Proposed::partition).max().orElse(-1);
    return topic(name, mayCreate, highestPartition)
        .thenCompose(found -> append(name, found.topic(), records, found.created()));
  }

  /** The records of the body, checked and decoded. */
  private static List<Proposed> records(ObjectNode body) {
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
    List<Proposed> out = new ArrayList<>(records.size());
    for (JsonNode rec : records) {
      int i = out.size();
      if (!rec.isObject()) {
        throw ApiException.badRequest("records[" + i + "] must be an object");
      }
      byte[] key = ValueFormat.decode(Json.text(rec, "key", false), encoding, "key");
      byte[] value = ValueFormat.decode(valueText(rec, i), encoding, "value");
      long partition = Json.integer(rec, "partition", -1, -1, Integer.MAX_VALUE);
      long ts = Json.integer(rec, "timestamp", now, 0, Long.MAX_VALUE);
      out.add(new Proposed(i, partition, ts, key, value, headers(rec.get("headers"), encoding, i)));
    }
    return out;
  }

  /** A topic to produce to, and whether this request created it. */
  private record Target(TopicMetadata topic, boolean created) {}

  /**
   * The topic, created first if it does not exist and may be created.
   *
   * @param highestPartition the highest partition a record names (-1: none), checked against the
   *     partitions a new topic would get before it is created
   */
  private CompletableFuture<Target> topic(String name, boolean mayCreate, long highestPartition) {
    TopicStore topics = ctx.topics();
    TopicMetadata existing = topics.describe(name).orElse(null);
    if (existing != null) {
      return CompletableFuture.completedFuture(new Target(existing, false));
    }
    if (!mayCreate) {
      throw ApiException.notFound(
          "no topic '" + name + "' (not created: the request said create=false)");
    }
    if (!autoCreate.enabled()) {
      throw ApiException.notFound(
          "no topic '"
              + name
              + "' (topics are not created on first use: kafka.auto.create.topics.enable is"
              + " false)");
    }
    checkPartition(highestPartition, autoCreate.partitions());
    return topics
        .create(name, autoCreate.partitions(), Map.of())
        .handle(
            (created, failure) -> {
              if (failure == null) {
                return new Target(created, true);
              }
              // Created meanwhile by another request or client: write to it.
              if (TopicStore.refusal(failure).orElse(null) == MetadataError.TOPIC_ALREADY_EXISTS) {
                TopicMetadata now = topics.describe(name).orElse(null);
                if (now != null) {
                  return new Target(now, false);
                }
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            });
  }

  private static void checkPartition(long partition, int partitionCount) {
    if (partition >= partitionCount) {
      throw ApiException.badRequest(
          "'partition' must be between -1 and " + (partitionCount - 1) + ", not " + partition);
    }
  }

  private CompletionStage<Map<String, Object>> append(
      String name, TopicMetadata t, List<Proposed> records, boolean created) {
    TopicStore topics = ctx.topics();
    int count = t.partitionCount();
    int unkeyedPartition = partitioner.forUnkeyed(count);
    Map<Integer, List<Pending>> byPartition = new TreeMap<>();
    for (Proposed rec : records) {
      checkPartition(rec.partition(), count);
      int p =
          rec.partition() >= 0
              ? (int) rec.partition()
              : rec.key() != null ? partitioner.forKey(rec.key(), count) : unkeyedPartition;
      byPartition.computeIfAbsent(p, x -> new ArrayList<>()).add(new Pending(p, rec));
    }
    long[] offsets = new long[records.size()];
    int[] partitions = new int[records.size()];
    List<CompletableFuture<Void>> appends = new ArrayList<>();
    for (Map.Entry<Integer, List<Pending>> e : byPartition.entrySet()) {
      PartitionLog log = topics.partition(name, e.getKey()).orElseThrow();
      RecordBatchBuilder batch = RecordBatchBuilder.create(CompressionType.NONE);
      for (Pending p : e.getValue()) {
        batch.append(p.record.timestamp(), p.record.key(), p.record.value(), p.record.headers());
      }
      List<Pending> those = e.getValue();
      appends.add(
          log.append(batch.build(), AppendOptions.DURABLE)
              .thenAccept(
                  (AppendResult result) -> {
                    for (int k = 0; k < those.size(); k++) {
                      offsets[those.get(k).record.index()] = result.firstOffset() + k;
                      partitions[those.get(k).record.index()] = those.get(k).partition;
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
              throw new CompletionException(e);
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
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("topic", name);
              answer.put("created", created);
              answer.put("partitions", count);
              answer.put("records", out);
              return answer;
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
