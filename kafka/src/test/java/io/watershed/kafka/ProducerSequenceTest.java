package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker side of the idempotent producer, checked with hand-made Produce requests (the real
 * producer never sends a wrong sequence on purpose): per producer id and partition, a retried batch
 * is acknowledged with its original offsets and not stored again, a gap in the sequence is {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER}, a new epoch must start at sequence 0, and an older epoch is {@code
 * INVALID_PRODUCER_EPOCH} — Kafka's answers in each case. Also: {@code acks} outside 0, 1 and -1.
 */
class ProducerSequenceTest {
  private static final String TOPIC = "sequenced";

  @TempDir Path dir;

  private static MemoryRecords batch(
      long producerId, short epoch, int firstSequence, String... vs) {
    SimpleRecord[] records = new SimpleRecord[vs.length];
    for (int i = 0; i < vs.length; i++) {
      records[i] = new SimpleRecord(vs[i].getBytes(StandardCharsets.UTF_8));
    }
    return MemoryRecords.withIdempotentRecords(
        Compression.NONE, producerId, epoch, firstSequence, records);
  }

  /**
   * A Produce request of one partition, v12: the last version that addresses topics by name, as
   * librdkafka and kafka-python send it.
   */
  static ProduceRequest request(String topic, int partition, MemoryRecords records, short acks) {
    TopicProduceDataCollection topics = new TopicProduceDataCollection();
    topics.add(
        new TopicProduceData()
            .setName(topic)
            .setPartitionData(
                List.of(new PartitionProduceData().setIndex(partition).setRecords(records))));
    ProduceRequestData data =
        new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000).setTopicData(topics);
    return new ProduceRequest.Builder((short) 12, (short) 12, data).build((short) 12);
  }

  private static PartitionProduceResponse produce(
      RawKafkaConnection raw, int partition, MemoryRecords records, short acks) throws Exception {
    ProduceResponse response =
        raw.send(request(TOPIC, partition, records, acks), ProduceResponse.class);
    return response.data().responses().iterator().next().partitionResponses().getFirst();
  }

  private static PartitionProduceResponse produce(
      RawKafkaConnection raw, int partition, MemoryRecords records) throws Exception {
    return produce(raw, partition, records, (short) -1);
  }

  @Test
  void sequencesAreCheckedPerProducerAndPartitionAsKafkaChecksThem() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create(TOPIC, 2, Map.of()).join();
      InitProducerIdResponse init =
          raw.send(
              new InitProducerIdRequest.Builder(
                      new InitProducerIdRequestData()
                          .setTransactionalId(null)
                          .setTransactionTimeoutMs(Integer.MAX_VALUE))
                  .build(ApiKeys.INIT_PRODUCER_ID.latestVersion(false)),
              InitProducerIdResponse.class);
      assertThat(init.error()).isEqualTo(Errors.NONE);
      long producerId = init.data().producerId();
      short epoch = init.data().producerEpoch();

      PartitionProduceResponse first = produce(raw, 0, batch(producerId, epoch, 0, "a", "b", "c"));
      assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
      assertThat(first.baseOffset()).isZero();

      // A retry of the same batch: acknowledged with the offsets it got the first time.
      PartitionProduceResponse retry = produce(raw, 0, batch(producerId, epoch, 0, "a", "b", "c"));
      assertThat(Errors.forCode(retry.errorCode())).isEqualTo(Errors.NONE);
      assertThat(retry.baseOffset()).isZero();

      // A gap: sequences 3 and 4 never arrived.
      PartitionProduceResponse gap = produce(raw, 0, batch(producerId, epoch, 5, "f"));
      assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);

      // Sequences are per partition: partition 1 has no state for this producer yet.
      assertThat(Errors.forCode(produce(raw, 1, batch(producerId, epoch, 7, "x")).errorCode()))
          .isEqualTo(Errors.NONE);

      PartitionProduceResponse next = produce(raw, 0, batch(producerId, epoch, 3, "d", "e"));
      assertThat(Errors.forCode(next.errorCode())).isEqualTo(Errors.NONE);
      assertThat(next.baseOffset()).isEqualTo(3);

      // A bumped epoch starts its sequence again at 0; after it, the old epoch is fenced.
      short bumped = (short) (epoch + 1);
      assertThat(Errors.forCode(produce(raw, 0, batch(producerId, bumped, 5, "g")).errorCode()))
          .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      PartitionProduceResponse newEpoch = produce(raw, 0, batch(producerId, bumped, 0, "g"));
      assertThat(Errors.forCode(newEpoch.errorCode())).isEqualTo(Errors.NONE);
      assertThat(newEpoch.baseOffset()).isEqualTo(5);
      assertThat(Errors.forCode(produce(raw, 0, batch(producerId, epoch, 5, "h")).errorCode()))
          .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

      assertThat(values(server, 0)).containsExactly("a", "b", "c", "d", "e", "g");
      assertThat(values(server, 1)).containsExactly("x");
    }
  }

  @Test
  void acksOtherThanZeroOneOrAllAreRefusedWithInvalidRequiredAcks() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create(TOPIC, 1, Map.of()).join();
      MemoryRecords records =
          MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
      assertThat(Errors.forCode(produce(raw, 0, records, (short) 2).errorCode()))
          .isEqualTo(Errors.INVALID_REQUIRED_ACKS);
      assertThat(server.topics().partition(TOPIC, 0).orElseThrow().logEndOffset()).isZero();
      assertThat(Errors.forCode(produce(raw, 0, records, (short) 1).errorCode()))
          .isEqualTo(Errors.NONE);
    }
  }

  private static List<String> values(KafkaTestServer server, int partition) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
      TopicPartition tp = new TopicPartition(TOPIC, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = server.topics().partition(TOPIC, partition).orElseThrow().logEndOffset();
      List<String> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
      return out;
    }
  }
}
