package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One model: a Kinesis stream is a topic and a shard is its partition of the same index. A Kafka
 * consumer reads what Kinesis clients put (key = partition key, value = data, partition = shard),
 * and Kinesis GetRecords reads what a Kafka producer wrote.
 */
class KinesisKafkaTest {
  static final int RECORDS = 2000;

  @TempDir Path dir;

  @Test
  void kafkaReadsKinesisAndKinesisReadsKafka() throws Exception {
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start();
        KinesisClient kinesis = KinesisClients.sync(server, true)) {
      kinesis.createStream(b -> b.streamName("from-kinesis").shardCount(3));
      Map<String, String> shardOfKey = new HashMap<>();
      Map<String, List<String>> sentByKey = new HashMap<>();
      for (int from = 0; from < RECORDS; from += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          String key = "device-" + (i % 37);
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey(key)
                  .data(SdkBytes.fromUtf8String("reading-" + i))
                  .build());
          sentByKey.computeIfAbsent(key, k -> new ArrayList<>()).add("reading-" + i);
        }
        var put = kinesis.putRecords(b -> b.streamName("from-kinesis").records(entries));
        for (int k = 0; k < entries.size(); k++) {
          shardOfKey.put(entries.get(k).partitionKey(), put.records().get(k).shardId());
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaClients.consumer(server.kafkaBootstrap(), Map.of("group.id", "reads-kinesis"))) {
        consumer.subscribe(List.of("from-kinesis"));
        List<ConsumerRecord<byte[], byte[]>> got =
            KafkaClients.pollUntil(consumer, l -> l.size() >= RECORDS, Duration.ofSeconds(60));
        assertThat(got).hasSize(RECORDS);
        Map<String, List<String>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          byKey
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(new String(r.value(), StandardCharsets.UTF_8));
          assertThat("shardId-00000000000" + r.partition()).isEqualTo(shardOfKey.get(key));
        }
        assertThat(byKey).isEqualTo(sentByKey);
      }

      try (Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
        admin.createTopics(List.of(new NewTopic("from-kafka", 2, (short) 1))).all().get();
      }
      Map<Integer, List<String>> sentByPartition = new HashMap<>();
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaClients.producer(server.kafkaBootstrap(), Map.of())) {
        for (int i = 0; i < RECORDS; i++) {
          int partition = i % 2;
          producer.send(
              new ProducerRecord<>(
                  "from-kafka",
                  partition,
                  ("key-" + i).getBytes(StandardCharsets.UTF_8),
                  ("value-" + i).getBytes(StandardCharsets.UTF_8)));
          sentByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add("key-" + i);
        }
        producer.flush();
      }
      List<Shard> shards = kinesis.listShards(b -> b.streamName("from-kafka")).shards();
      assertThat(shards)
          .extracting(Shard::shardId)
          .containsExactly("shardId-000000000000", "shardId-000000000001");
      for (Shard shard : shards) {
        List<Record> records =
            KinesisClients.read(
                kinesis, "from-kafka", shard.shardId(), ShardIteratorType.TRIM_HORIZON, null, null);
        int partition = Integer.parseInt(shard.shardId().substring(8));
        assertThat(records)
            .extracting(Record::partitionKey)
            .containsExactlyElementsOf(sentByPartition.get(partition));
        for (Record r : records) {
          assertThat(r.data().asUtf8String()).isEqualTo("value-" + r.partitionKey().substring(4));
        }
      }
      assertThat(kinesis.listStreams().streamNames()).contains("from-kinesis", "from-kafka");
    }
  }
}
