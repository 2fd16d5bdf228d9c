package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static io.watershed.kafka.AdminClients.assertFailsWith;
import static io.watershed.kafka.AdminTopicsTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records and disks through the real AdminClient: DeleteRecords and DescribeLogDirs. */
class AdminRecordsTest {
  @TempDir Path dir;

  @Test
  void deletedRecordsAreGoneForAConsumerStartingAtTheBeginning() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("events", 1, (short) 1),
                  new NewTopic("table", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
      produce(server, "events", 20);
      TopicPartition events = new TopicPartition("events", 0);

      long low =
          admin
              .deleteRecords(Map.of(events, RecordsToDelete.beforeOffset(10)))
              .lowWatermarks()
              .get(events)
              .get()
              .lowWatermark();
      assertThat(low).isEqualTo(10);
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
        consumer.assign(List.of(events));
        consumer.seekToBeginning(List.of(events));
        assertThat(AdminTopicsTest.poll(consumer, 10).getFirst().offset()).isEqualTo(10);
      }

      assertFailsWith(
          admin.deleteRecords(Map.of(events, RecordsToDelete.beforeOffset(21))).all(),
          OffsetOutOfRangeException.class);
      assertFailsWith(
          admin
              .deleteRecords(
                  Map.of(new TopicPartition("table", 0), RecordsToDelete.beforeOffset(0)))
              .all(),
          PolicyViolationException.class);
      long toHighWatermark =
          admin
              .deleteRecords(Map.of(events, RecordsToDelete.beforeOffset(-1)))
              .lowWatermarks()
              .get(events)
              .get()
              .lowWatermark();
      assertThat(toHighWatermark).isEqualTo(20);
    }
  }

  @Test
  void theLogDirectoryReportsEachPartitionsSizeAndTheVolumesSpace() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin.createTopics(List.of(new NewTopic("stored", 2, (short) 1))).all().get();
      produce(server, "stored", 10);

      Map<String, LogDirDescription> dirs =
          admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
      String logDir = dir.resolve("log").toAbsolutePath().toString();
      assertThat(dirs).containsOnlyKeys(logDir);
      LogDirDescription d = dirs.get(logDir);
      assertThat(d.error()).isNull();
      ReplicaInfo written = d.replicaInfos().get(new TopicPartition("stored", 0));
      assertThat(written.size())
          .isEqualTo(server.topics().partition("stored", 0).orElseThrow().sizeInBytes())
          .isPositive();
      assertThat(written.offsetLag()).isZero();
      assertThat(d.replicaInfos().get(new TopicPartition("stored", 1)).size()).isZero();
      assertThat(d.totalBytes().getAsLong()).isGreaterThanOrEqualTo(d.usableBytes().getAsLong());
      assertThat(d.usableBytes().getAsLong()).isPositive();
    }
  }

  private static void produce(KafkaTestServer server, String topic, int n) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, bytes("record " + i)));
      }
      producer.flush();
    }
  }
}
