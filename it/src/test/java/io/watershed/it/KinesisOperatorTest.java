package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The Kinesis door in every operator surface, against the server process: a stream made, split,
 * merged, written and read with the AWS SDK is what the admin API shows (streams, shard lineage as
 * ListShards gives it, consumers), what {@code watershed kinesis} prints (the lineage as a tree,
 * exit codes, errors) and what {@code /metrics} counts (requests per operation as the client sent
 * them, errors, connections, records in and out per partition).
 */
class KinesisOperatorTest {
  static final String STREAM = "ops-lineage";
  static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);

  @TempDir Path dir;

  /** Counts the requests a client puts on the wire, per operation (retries included). */
  static final class Sent implements ExecutionInterceptor {
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      counts
          .computeIfAbsent(
              attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
              k -> new AtomicInteger())
          .incrementAndGet();
    }
  }

  @Test
  void adminApiCliAndMetricsShowWhatTheSdkDid() throws Exception {
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      AdminHttp api = new AdminHttp(server.httpPort());
      Sent sent = new Sent();
      Map<String, Integer> putPerShard = new HashMap<>();
      Map<String, Integer> readPerShard = new HashMap<>();
      Map<String, Long> readBytesPerShard = new HashMap<>();
      String consumerArn;
      List<Shard> listed;
      try (KinesisClient kinesis = KinesisClients.sync(server, true, KinesisClients.SECRET, sent)) {
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
        kinesis.addTagsToStream(b -> b.streamName(STREAM).tags(Map.of("team", "ops")));
        String streamArn =
            kinesis
                .describeStreamSummary(b -> b.streamName(STREAM))
                .streamDescriptionSummary()
                .streamARN();
        consumerArn =
            kinesis
                .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("dashboard"))
                .consumer()
                .consumerARN();
        for (int batch = 0; batch < 3; batch++) {
          put(kinesis, batch, putPerShard);
        }
        // Split shard 0 (the lower half) at a quarter of the key space: shards 2 and 3. Then merge
        // 3 with shard 1 above it: shard 4.
        kinesis.splitShard(
            b ->
                b.streamName(STREAM)
                    .shardToSplit("shardId-000000000000")
                    .newStartingHashKey(QUARTER.toString()));
        kinesis.mergeShards(
            b ->
                b.streamName(STREAM)
                    .shardToMerge("shardId-000000000003")
                    .adjacentShardToMerge("shardId-000000000001"));
        put(kinesis, 3, putPerShard);
        listed = kinesis.listShards(b -> b.streamName(STREAM)).shards();
        for (Shard s : listed) {
          List<Record> records =
              KinesisClients.read(
                  kinesis, STREAM, s.shardId(), ShardIteratorType.TRIM_HORIZON, null, null);
          readPerShard.put(s.shardId(), records.size());
          long bytes = 0;
          for (Record r : records) {
            bytes += r.data().asByteArray().length + r.partitionKey().length();
          }
          readBytesPerShard.put(s.shardId(), bytes);
        }
        try {
          kinesis.describeStream(b -> b.streamName("no-such-stream"));
        } catch (ResourceNotFoundException expected) {
          // Counted as an error of DescribeStream.
        }
        String m = api.get("/metrics").body();
        assertThat(MetricsTest.value(m, "watershed_connections\\{door=\"kinesis\"\\}"))
            .isGreaterThanOrEqualTo(1);
      }
      assertThat(readPerShard.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
      assertThat(readPerShard).isEqualTo(withZeros(putPerShard, listed));

      checkAdminApi(api, listed, putPerShard, consumerArn);
      checkMetrics(api.get("/metrics").body(), sent, putPerShard, readPerShard, readBytesPerShard);
      checkCli("http://127.0.0.1:" + server.httpPort());
    }
  }

  /** One PutRecords of 100 records with 50 keys; counts where they landed. */
  private static void put(KinesisClient kinesis, int batch, Map<String, Integer> perShard) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("key-" + (i % 50))
              .data(SdkBytes.fromUtf8String("batch " + batch + " record " + i))
              .build());
    }
    var put = kinesis.putRecords(b -> b.streamName(STREAM).records(entries));
    assertThat(put.failedRecordCount()).isZero();
    for (PutRecordsResultEntry r : put.records()) {
      perShard.merge(r.shardId(), 1, Integer::sum);
    }
  }

  private static Map<String, Integer> withZeros(Map<String, Integer> counts, List<Shard> shards) {
    Map<String, Integer> out = new HashMap<>();
    shards.forEach(s -> out.put(s.shardId(), counts.getOrDefault(s.shardId(), 0)));
    return out;
  }

  private static void checkAdminApi(
      AdminHttp api, List<Shard> listed, Map<String, Integer> put, String consumerArn)
      throws Exception {
    // A topic made through the admin API is a stream too, of evenly split shards.
    assertThat(api.post("/api/v1/topics", Map.of("name", "plain-topic", "partitions", 3)).status())
        .isEqualTo(201);
    JsonNode streams = api.get("/api/v1/kinesis/streams").json().path("streams");
    Map<String, JsonNode> byName = new HashMap<>();
    streams.forEach(s -> byName.put(s.path("name").asText(), s));
    assertThat(byName.get("plain-topic").path("origin").asText()).isEqualTo("topic");
    assertThat(byName.get("plain-topic").path("openShards").asInt()).isEqualTo(3);
    assertThat(byName).doesNotContainKey("__eventstore_all");
    JsonNode summary = byName.get(STREAM);
    assertThat(summary.path("arn").asText())
        .isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM);
    assertThat(summary.path("status").asText()).isEqualTo("ACTIVE");
    assertThat(summary.path("mode").asText()).isEqualTo("PROVISIONED");
    assertThat(summary.path("openShards").asInt()).isEqualTo(2);
    assertThat(summary.path("closedShards").asInt()).isEqualTo(3);
    assertThat(summary.path("retentionHours").asInt()).isEqualTo(24);
    assertThat(summary.path("tags").path("team").asText()).isEqualTo("ops");
    assertThat(summary.path("topic").asText()).isEqualTo(STREAM);
    assertThat(summary.path("origin").asText()).isEqualTo("kinesis");
    assertThat(summary.path("consumerCount").asInt()).isEqualTo(1);
    assertThat(summary.path("records").asLong()).isEqualTo(400);

    JsonNode described = api.get("/api/v1/kinesis/streams/" + STREAM).json();
    assertThat(described.path("consumers").get(0).path("name").asText()).isEqualTo("dashboard");
    assertThat(described.path("consumers").get(0).path("arn").asText()).isEqualTo(consumerArn);
    JsonNode shards = api.get("/api/v1/kinesis/streams/" + STREAM + "/shards").json();
    assertThat(shards.path("shards")).isEqualTo(described.path("shards"));
    assertThat(shards.path("shards")).hasSize(listed.size()).hasSize(5);
    // The lineage is the one ListShards gives the SDK, with what each partition holds.
    for (int i = 0; i < listed.size(); i++) {
      Shard sdk = listed.get(i);
      JsonNode s = shards.path("shards").get(i);
      assertThat(s.path("shardId").asText()).isEqualTo(sdk.shardId());
      assertThat(s.path("partition").asInt()).isEqualTo(i);
      assertThat(text(s.get("parentShardId"))).isEqualTo(sdk.parentShardId());
      assertThat(text(s.get("adjacentParentShardId"))).isEqualTo(sdk.adjacentParentShardId());
      assertThat(s.path("hashKeyRange").path("startingHashKey").asText())
          .isEqualTo(sdk.hashKeyRange().startingHashKey());
      assertThat(s.path("hashKeyRange").path("endingHashKey").asText())
          .isEqualTo(sdk.hashKeyRange().endingHashKey());
      assertThat(s.path("sequenceNumberRange").path("startingSequenceNumber").asText())
          .isEqualTo(sdk.sequenceNumberRange().startingSequenceNumber());
      assertThat(text(s.path("sequenceNumberRange").get("endingSequenceNumber")))
          .isEqualTo(sdk.sequenceNumberRange().endingSequenceNumber());
      assertThat(s.path("open").asBoolean())
          .isEqualTo(sdk.sequenceNumberRange().endingSequenceNumber() == null);
      assertThat(s.path("records").asInt()).isEqualTo(put.getOrDefault(sdk.shardId(), 0));
    }
    assertThat(shards.path("shards").get(0).path("childShardIds"))
        .extracting(JsonNode::asText)
        .containsExactly("shardId-000000000002", "shardId-000000000003");
    assertThat(shards.path("shards").get(1).path("childShardIds"))
        .extracting(JsonNode::asText)
        .containsExactly("shardId-000000000004");
    assertThat(shards.path("shards").get(0).path("state").asText()).isEqualTo("CLOSED");
    assertThat(shards.path("shards").get(4).path("state").asText()).isEqualTo("OPEN");
    String arn = summary.path("arn").asText();
    JsonNode byArn =
        api.get("/api/v1/kinesis/streams/" + URLEncoder.encode(arn, StandardCharsets.UTF_8)).json();
    assertThat(byArn.path("name").asText()).isEqualTo(STREAM);
    assertThat(byArn.path("shards")).isEqualTo(described.path("shards"));
    assertThat(
            api.get(
                    "/api/v1/kinesis/streams/"
                        + URLEncoder.encode(
                            arn.replace("000000000000", "123456789012"), StandardCharsets.UTF_8))
                .status())
        .isEqualTo(404);
    JsonNode consumers = api.get("/api/v1/kinesis/streams/" + STREAM + "/consumers").json();
    assertThat(consumers.path("consumers").get(0).path("status").asText()).isEqualTo("ACTIVE");

    AdminHttp.Answer missing = api.get("/api/v1/kinesis/streams/no-such-stream");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("error").asText()).isEqualTo("Not Found");
    assertThat(missing.json().path("message").asText())
        .isEqualTo("no Kinesis stream 'no-such-stream'");
    assertThat(api.get("/api/v1/kinesis/streams/bad%20name!/shards").status()).isEqualTo(404);
    assertThat(api.post("/api/v1/kinesis/streams", Map.of()).status()).isEqualTo(405);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static void checkMetrics(
      String m,
      Sent sent,
      Map<String, Integer> put,
      Map<String, Integer> read,
      Map<String, Long> readBytes) {
    assertThat(sent.counts).containsKeys("PutRecords", "GetRecords", "SplitShard", "MergeShards");
    for (Map.Entry<String, AtomicInteger> e : sent.counts.entrySet()) {
      String labels = "\\{api=\"" + e.getKey() + "\",door=\"kinesis\"\\}";
      assertThat(MetricsTest.value(m, "watershed_request_duration_seconds_count" + labels))
          .as(e.getKey())
          .isEqualTo((double) e.getValue().get());
    }
    assertThat(
            MetricsTest.value(
                m, "watershed_request_errors_total\\{api=\"DescribeStream\",door=\"kinesis\"\\}"))
        .isEqualTo(1);
    assertThat(m).doesNotContain("watershed_request_errors_total{api=\"PutRecords\"");
    for (Map.Entry<String, Integer> e : read.entrySet()) {
      int partition = Integer.parseInt(e.getKey().substring("shardId-".length()));
      String l = "\\{partition=\"" + partition + "\",topic=\"" + STREAM + "\"\\}";
      assertThat(MetricsTest.value(m, "watershed_partition_records_in_total" + l))
          .as(e.getKey())
          .isEqualTo((double) put.getOrDefault(e.getKey(), 0));
      assertThat(MetricsTest.value(m, "watershed_partition_records_out_total" + l))
          .as(e.getKey())
          .isEqualTo((double) e.getValue());
      assertThat(MetricsTest.value(m, "watershed_partition_bytes_out_total" + l))
          .as(e.getKey())
          .isEqualTo((double) readBytes.get(e.getKey()));
    }
    double fsyncs = MetricsTest.value(m, "watershed_log_fsyncs_total");
    assertThat(fsyncs).isPositive();
    assertThat(MetricsTest.value(m, "watershed_log_fsync_duration_seconds_count"))
        .isEqualTo(fsyncs);
    assertThat(
            MetricsTest.value(m, "watershed_log_fsync_duration_seconds_bucket\\{le=\"\\+Inf\"\\}"))
        .isEqualTo(fsyncs);
    assertThat(MetricsTest.value(m, "watershed_log_fsync_duration_seconds_sum"))
        .isEqualTo(MetricsTest.value(m, "watershed_log_fsync_seconds_total"));
  }

  private static void checkCli(String url) throws Exception {
    CliProcess.Result list = CliProcess.run(null, "kinesis", "streams", "list", "--server", url);
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("STREAM")
        .containsPattern(
            STREAM + "\\s+ACTIVE\\s+PROVISIONED\\s+2\\s+3\\s+24 h\\s+400\\s+1\\s+kinesis")
        .containsPattern("plain-topic\\s+ACTIVE\\s+PROVISIONED\\s+3\\s+0\\s+.*topic");

    CliProcess.Result describe =
        CliProcess.run(null, "kinesis", "streams", "describe", STREAM, "--server", url);
    assertThat(describe.exit()).as(describe.err()).isZero();
    List<String> lines = describe.out().lines().toList();
    int tree = lines.indexOf("Shard lineage:");
    assertThat(tree).isPositive();
    assertThat(lines.subList(tree + 1, tree + 7))
        .satisfiesExactly(
            l -> assertThat(l).startsWith("shardId-000000000000  CLOSED  hash keys 0%-50%  "),
            l -> assertThat(l).startsWith("|-- shardId-000000000002  OPEN  hash keys 0%-25%  "),
            l -> assertThat(l).startsWith("`-- shardId-000000000003  CLOSED  hash keys 25%-50%  "),
            l ->
                assertThat(l)
                    .startsWith("    `-- shardId-000000000004  OPEN  hash keys 25%-100%  ")
                    .endsWith("(merged from shardId-000000000003 and shardId-000000000001)"),
            l -> assertThat(l).startsWith("shardId-000000000001  CLOSED  hash keys 50%-100%  "),
            l ->
                assertThat(l)
                    .isEqualTo(
                        "`-- shardId-000000000004  (merged with shardId-000000000003, shown"
                            + " under it)"));
    assertThat(describe.out())
        .contains("Tags: team=ops")
        .contains("STARTING SEQUENCE NUMBER")
        .containsPattern("dashboard\\s+ACTIVE");

    CliProcess.Result json =
        CliProcess.run(null, "kinesis", "streams", "describe", STREAM, "--json", "--server", url);
    assertThat(AdminHttp.JSON.readTree(json.out()).path("shards")).hasSize(5);

    CliProcess.Result missing =
        CliProcess.run(null, "kinesis", "streams", "describe", "nope", "--server", url);
    assertThat(missing.exit()).isEqualTo(4);
    assertThat(missing.err()).isEqualTo("watershed: no Kinesis stream 'nope'\n");
    assertThat(CliProcess.run(null, "kinesis", "streams", "describe", "--server", url).exit())
        .isEqualTo(2);
    CliProcess.Result help = CliProcess.run(null, "kinesis", "streams", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("list").contains("describe");
    assertThat(CliProcess.run(null, "kinesis").exit()).isEqualTo(2);
    CliProcess.Result unreachable =
        CliProcess.run(null, "kinesis", "streams", "list", "--server", "http://127.0.0.1:1");
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err()).startsWith("watershed: cannot reach the server").endsWith("\n");
    assertThat(unreachable.err().lines()).hasSize(1);
  }
}
