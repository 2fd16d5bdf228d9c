package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where offsets are, as clients ask: ListOffsets for the earliest, the latest, the first at or
 * after a timestamp and the one with the largest timestamp (AdminClient {@code OffsetSpec}s and the
 * consumer's {@code offsetsForTimes}), after DeleteRecords too; a {@code read_committed} consumer;
 * and OffsetForLeaderEpoch, with which consumers validate their position.
 */
class ListOffsetsTest {
  private static final String TOPIC = "timed";
  private static final int RECORDS = 10;

  @TempDir Path dir;

  /** Record i is stamped BASE + 10 i, except record 5, which carries the largest timestamp. */
  private static final long BASE = System.currentTimeMillis() - 60_000;

  private static long timestamp(int i) {
    return i == 5 ? BASE + 1_000 : BASE + 10L * i;
  }

  private static void produce(KafkaTestServer server) {
    try (KafkaProducer<byte[], byte[]> producer =
        ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(
            new ProducerRecord<>(
                TOPIC, 0, timestamp(i), null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static ListOffsetsResultInfo offset(Admin admin, OffsetSpec spec) throws Exception {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
  }

  @Test
  void earliestLatestByTimestampAndMaxTimestamp() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      server.topics().create(TOPIC, 1, Map.of()).join();
      produce(server);

      assertThat(offset(admin, OffsetSpec.earliest()).offset()).isZero();
      assertThat(offset(admin, OffsetSpec.latest()).offset()).isEqualTo(RECORDS);
      ListOffsetsResultInfo at25 = offset(admin, OffsetSpec.forTimestamp(BASE + 25));
      assertThat(at25.offset()).isEqualTo(3);
      assertThat(at25.timestamp()).isEqualTo(BASE + 30);
      ListOffsetsResultInfo max = offset(admin, OffsetSpec.maxTimestamp());
      assertThat(max.offset()).isEqualTo(5);
      assertThat(max.timestamp()).isEqualTo(BASE + 1_000);
      assertThat(offset(admin, OffsetSpec.forTimestamp(BASE + 5_000)).offset()).isEqualTo(-1);

      TopicPartition tp = new TopicPartition(TOPIC, 0);
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
        Map<TopicPartition, OffsetAndTimestamp> found =
            consumer.offsetsForTimes(Map.of(tp, BASE + 41));
        assertThat(found.get(tp).offset()).isEqualTo(5);
        assertThat(consumer.offsetsForTimes(Map.of(tp, BASE + 5_000)).get(tp)).isNull();
        assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
        assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, (long) RECORDS);
      }

      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).all().get();
      assertThat(offset(admin, OffsetSpec.earliest()).offset()).isEqualTo(4);
      assertThat(offset(admin, OffsetSpec.forTimestamp(BASE)).offset()).isEqualTo(4);
      assertThat(offset(admin, OffsetSpec.latest()).offset()).isEqualTo(RECORDS);
    }
  }

  @Test
  void aReadCommittedConsumerReadsEverythingSinceThereAreNoTransactions() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create(TOPIC, 1, Map.of()).join();
      produce(server);
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(
              server.bootstrap(),
              Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
        consumer.assign(List.of(tp));
        assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, (long) RECORDS);
        consumer.seekToBeginning(List.of(tp));
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (values.size() < RECORDS && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
          }
        }
        assertThat(values)
            .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
      }
    }
  }

  @Test
  void offsetForLeaderEpochAnswersForTheOneEpochThereIs() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create(TOPIC, 1, Map.of()).join();
      produce(server);
      assertThat(endOf(raw, TOPIC, 0, 0, 0)).isEqualTo(new long[] {Errors.NONE.code(), 0, RECORDS});
      // The client thinks a newer leader exists than this broker knows of.
      assertThat(endOf(raw, TOPIC, 0, 2, 0)[0]).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
      // An epoch that never was: "undefined", as Kafka answers it.
      assertThat(endOf(raw, TOPIC, 0, -1, 3)).isEqualTo(new long[] {Errors.NONE.code(), -1, -1});
      assertThat(endOf(raw, "absent", 0, -1, 0)[0])
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      assertThat(endOf(raw, TOPIC, 7, -1, 0)[0])
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
  }

  /** Error code, leader epoch and end offset of {@code epoch} in one partition. */
  private static long[] endOf(
      RawKafkaConnection raw, String topic, int partition, int currentEpoch, int epoch)
      throws Exception {
    OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
    topics.add(
        new OffsetForLeaderTopic()
            .setTopic(topic)
            .setPartitions(
                List.of(
                    new OffsetForLeaderPartition()
                        .setPartition(partition)
                        .setCurrentLeaderEpoch(currentEpoch)
                        .setLeaderEpoch(epoch))));
    OffsetsForLeaderEpochResponse response =
        raw.send(
            OffsetsForLeaderEpochRequest.Builder.forConsumer(topics)
                .build(ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false)),
            OffsetsForLeaderEpochResponse.class);
    EpochEndOffset e = response.data().topics().iterator().next().partitions().getFirst();
    return new long[] {e.errorCode(), e.leaderEpoch(), e.endOffset()};
  }
}
