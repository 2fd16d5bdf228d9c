package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A data directory of an earlier version, whose catalog is {@code kinesis/streams.json}: the door's
 * first start moves it onto the coordinator runtime, serves its streams as they were (resharded
 * lineage, tags, consumers), keeps the file as a backup, and later starts no longer need it.
 */
class CatalogMigrationTest {
  @TempDir Path dir;

  @Test
  void theOldCatalogFileIsMovedOntoTheRuntimeAtTheFirstStart() throws Exception {
    UUID topicId;
    try (TopicStore topics = TopicStore.open(dir, LogManagerConfig.defaults(dir))) {
      topicId = topics.create("orders", 3, Map.of()).get().topicId();
    }
    Path file = dir.resolve("kinesis").resolve("streams.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, oldCatalog(topicId), StandardCharsets.UTF_8);

    KinesisTestServer server = new KinesisTestServer(dir);
    try {
      assertThat(file).doesNotExist();
      assertThat(file.resolveSibling("streams.json.migrated")).exists();
      checkServed(server);
      server.restart();
      checkServed(server);
    } finally {
      server.close();
    }
  }

  private static void checkServed(KinesisTestServer server) {
    try (KinesisClient kinesis = server.client(false)) {
      List<Shard> shards = kinesis.listShards(b -> b.streamName("orders")).shards();
      assertThat(shards).hasSize(3);
      assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber())
          .as("shard 0 was closed by a split")
          .isNotNull();
      assertThat(shards.get(1).parentShardId()).isEqualTo("shardId-000000000000");
      assertThat(kinesis.listTagsForStream(b -> b.streamName("orders")).tags())
          .singleElement()
          .satisfies(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("team=data"));
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamName("orders"))
                  .streamDescriptionSummary()
                  .consumerCount())
          .isEqualTo(1);
    }
  }

  /** A catalog file as version 1 wrote it: stream "orders", shard 0 split into 1 and 2. */
  private static String oldCatalog(UUID topicId) {
    String max = "340282366920938463463374607431768211455";
    String mid = "170141183460469231731687303715884105727";
    String midPlusOne = "170141183460469231731687303715884105728";
    return """
        {
          "version" : 1,
          "streams" : [ {
            "name" : "orders",
            "topicId" : "%s",
            "status" : "ACTIVE",
            "createdMillis" : 1700000000000,
            "retentionHours" : 24,
            "mode" : "PROVISIONED",
            "tags" : { "team" : "data" },
            "encryptionType" : "NONE",
            "keyId" : null,
            "shardLevelMetrics" : [ ],
            "consumers" : [ { "name" : "app", "createdMillis" : 1700000000500, "tags" : { } } ],
            "shards" : [ {
              "start" : "0", "end" : "%s", "parent" : -1, "adjacentParent" : -1,
              "createdMillis" : 1700000000000, "endOffset" : 0, "closedMillis" : 1700000001000
            }, {
              "start" : "0", "end" : "%s", "parent" : 0, "adjacentParent" : -1,
              "createdMillis" : 1700000001000, "endOffset" : -1, "closedMillis" : -1
            }, {
              "start" : "%s", "end" : "%s", "parent" : 0, "adjacentParent" : -1,
              "createdMillis" : 1700000001000, "endOffset" : -1, "closedMillis" : -1
            } ]
          } ]
        }
        """
        .formatted(topicId, max, mid, midPlusOne, max);
  }
}
