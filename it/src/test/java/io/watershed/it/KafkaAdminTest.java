package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminClient against the server process: create, describe, alter configs, add partitions,
 * delete records, delete topics; and retention and compaction set through it take visible effect
 * (the server runs its retention and cleaner passes every half second here).
 */
class KafkaAdminTest {
  @TempDir Path dir;

  static WatershedProcess start(Path dir) throws Exception {
    return new WatershedProcess(
            dir.resolve("data"),
            "--set",
            "log.retention.check.interval.ms=500",
            "--set",
            "log.cleaner.backoff.ms=500")
        .start();
  }

  static void produce(
      String bootstrap, String topic, int partition, int from, int to, boolean keyed)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
      for (int i = from; i < to; i++) {
        byte[] key = keyed ? ("key-" + (i % 10)).getBytes(StandardCharsets.UTF_8) : null;
        producer
            .send(
                new ProducerRecord<>(
                    topic, partition, key, ("v" + i).getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  static long earliest(Admin admin, TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
  }

  @Test
  void topicsConfigsPartitionsAndRecordsAreAdministered() throws Exception {
    try (WatershedProcess server = start(dir);
        Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
      String bootstrap = server.kafkaBootstrap();
      admin
          .createTopics(
              List.of(
                  new NewTopic("admin-t", 2, (short) 1).configs(Map.of("retention.ms", "3600000"))))
          .all()
          .get();
      assertThat(admin.listTopics().names().get()).contains("admin-t");
      assertThat(
              admin
                  .describeTopics(List.of("admin-t"))
                  .allTopicNames()
                  .get()
                  .get("admin-t")
                  .partitions())
          .hasSize(2);

      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "admin-t");
      admin
          .incrementalAlterConfigs(
              Map.of(
                  res,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
      assertThat(
              admin.describeConfigs(List.of(res)).all().get().get(res).get("retention.ms").value())
          .isEqualTo("7200000");

      admin.createPartitions(Map.of("admin-t", NewPartitions.increaseTo(4))).all().get();
      assertThat(
              admin
                  .describeTopics(List.of("admin-t"))
                  .allTopicNames()
                  .get()
                  .get("admin-t")
                  .partitions())
          .hasSize(4);
      produce(bootstrap, "admin-t", 3, 0, 20, false);

      TopicPartition tp3 = new TopicPartition("admin-t", 3);
      admin.deleteRecords(Map.of(tp3, RecordsToDelete.beforeOffset(15))).all().get();
      assertThat(earliest(admin, tp3)).isEqualTo(15);
      try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
        consumer.assign(List.of(tp3));
        consumer.seekToBeginning(List.of(tp3));
        List<ConsumerRecord<byte[], byte[]>> got =
            KafkaClients.pollUntil(consumer, l -> l.size() >= 5, Duration.ofSeconds(20));
        assertThat(got).first().extracting(ConsumerRecord::offset).isEqualTo(15L);
      }

      admin.deleteTopics(List.of("admin-t")).all().get();
      assertThat(admin.listTopics().names().get()).doesNotContain("admin-t");
    }
  }

  @Test
  void retentionAndCompactionSetThroughTheAdminClientTakeEffect() throws Exception {
    try (WatershedProcess server = start(dir);
        Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
      String bootstrap = server.kafkaBootstrap();
      admin
          .createTopics(
              List.of(
                  new NewTopic("expiring", 1, (short) 1).configs(Map.of("segment.bytes", "1024")),
                  new NewTopic("latest", 1, (short) 1).configs(Map.of("segment.bytes", "1024"))))
          .all()
          .get();
      produce(bootstrap, "expiring", 0, 0, 200, false);
      produce(bootstrap, "latest", 0, 0, 200, true);
      TopicPartition expiring = new TopicPartition("expiring", 0);
      assertThat(earliest(admin, expiring)).isZero();

      ConfigResource e = new ConfigResource(ConfigResource.Type.TOPIC, "expiring");
      ConfigResource l = new ConfigResource(ConfigResource.Type.TOPIC, "latest");
      Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
      changes.put(
          e,
          List.of(
              new AlterConfigOp(
                  new ConfigEntry("retention.bytes", "2048"), AlterConfigOp.OpType.SET)));
      changes.put(
          l,
          List.of(
              new AlterConfigOp(
                  new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
              new AlterConfigOp(
                  new ConfigEntry("min.cleanable.dirty.ratio", "0.01"), AlterConfigOp.OpType.SET)));
      admin.incrementalAlterConfigs(changes).all().get();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (earliest(admin, expiring) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      // Whole segments go, oldest first, until what is left is within retention.bytes; the
      // active segment (at most segment.bytes) is never deleted. How many records that leaves
      // depends on how the producer batched them, so the bytes are what to check.
      assertThat(earliest(admin, expiring)).as("retention moved the log start").isPositive();
      long deadlineBytes = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long size = logSize(admin, expiring);
      while (size > 2048 + 1024 && System.nanoTime() < deadlineBytes) {
        Thread.sleep(200);
        size = logSize(admin, expiring);
      }
      assertThat(size).as("bytes left after retention.bytes=2048").isBetween(1L, 2048L + 1024L);

      TopicPartition latest = new TopicPartition("latest", 0);
      List<ConsumerRecord<byte[], byte[]>> got = List.of();
      while (System.nanoTime() < deadline) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
          consumer.assign(List.of(latest));
          consumer.seekToBeginning(List.of(latest));
          got =
              KafkaClients.pollUntil(
                  consumer,
                  r -> !r.isEmpty() && r.get(r.size() - 1).offset() == 199,
                  Duration.ofSeconds(10));
        }
        if (got.size() < 100) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(got.size()).as("compaction left far fewer than the 200 records").isLessThan(100);
      assertThat(got).last().extracting(ConsumerRecord::offset).isEqualTo(199L);
      for (int k = 0; k < 10; k++) {
        String key = "key-" + k;
        String lastValue = "v" + (190 + k);
        assertThat(got)
            .filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
            .last()
            .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
            .isEqualTo(lastValue);
      }
    }
  }

  /** The partition's size on disk as DescribeLogDirs reports it. */
  private static long logSize(Admin admin, TopicPartition tp) throws Exception {
    long size = 0;
    for (var dir : admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0).values()) {
      var replica = dir.replicaInfos().get(tp);
      if (replica != null) {
        size += replica.size();
      }
    }
    return size;
  }
}
