package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions are not supported, and a client that asks for them learns it at once with Kafka's
 * own fatal error, rather than waiting for a transaction coordinator that never appears.
 */
class TransactionsRefusedTest {
  @TempDir Path dir;

  @Test
  void aTransactionalProducerFailsFastWithTransactionalIdAuthorizationFailed() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        KafkaProducer<byte[], byte[]> producer =
            ProduceFetchTest.producer(
                server.bootstrap(),
                Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "tx-1",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    60_000))) {
      long start = System.nanoTime();
      assertThatThrownBy(producer::initTransactions)
          .isInstanceOf(TransactionalIdAuthorizationException.class);
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("ms until initTransactions failed (max.block.ms is 60 s)")
          .isLessThan(10_000);
    }
  }

  @Test
  void aTransactionalBatchIsNotStored() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create("tx", 1, Map.of()).join();
      MemoryRecords records =
          MemoryRecords.withTransactionalRecords(
              Compression.NONE, 1000L, (short) 0, 0, new SimpleRecord("v".getBytes()));
      TopicProduceDataCollection topics = new TopicProduceDataCollection();
      topics.add(
          new TopicProduceData()
              .setName("tx")
              .setPartitionData(
                  List.of(new PartitionProduceData().setIndex(0).setRecords(records))));
      ProduceResponse response =
          raw.send(
              new ProduceRequest.Builder(
                      (short) 12,
                      (short) 12,
                      new ProduceRequestData()
                          .setAcks((short) -1)
                          .setTimeoutMs(10_000)
                          .setTransactionalId("tx-1")
                          .setTopicData(topics))
                  .build((short) 12),
              ProduceResponse.class);
      short error =
          response.data().responses().iterator().next().partitionResponses().getFirst().errorCode();
      assertThat(Errors.forCode(error)).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      assertThat(server.topics().partition("tx", 0).orElseThrow().logEndOffset()).isZero();
    }
  }
}
