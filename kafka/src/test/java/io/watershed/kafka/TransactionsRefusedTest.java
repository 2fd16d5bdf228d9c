package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions are not supported, and a client that asks for them learns it at once, with an error
 * its client treats as fatal and a message that says so, rather than waiting for a transaction
 * coordinator that never appears or being sent to look for access rules.
 */
class TransactionsRefusedTest {
  @TempDir Path dir;

  @Test
  void initTransactionsFailsAtOnceSayingTransactionsAreNotSupported() throws Exception {
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
          .isExactlyInstanceOf(KafkaException.class)
          .hasMessage(
              "Could not find a coordinator with type TRANSACTION with key tx-1 due to unexpected"
                  + " error: Kafka transactions are not supported by this broker (Watershed):"
                  + " unset transactional.id; an idempotent producer (enable.idempotence=true, the"
                  + " default) still writes each record exactly once per partition");
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("ms until initTransactions failed (max.block.ms is 60 s)")
          .isLessThan(10_000);
      // The producer is unusable afterwards, as after any fatal error, and its cause says why.
      assertThatThrownBy(producer::beginTransaction)
          .rootCause()
          .hasMessageContaining("transactions are not supported");
    }
  }

  @Test
  void olderFindCoordinatorVersionsGetTheErrorLibrdkafkaTreatsAsFatalWithTheMessage()
      throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      // librdkafka sends FindCoordinator v2 and gives up at once only on this error, printing the
      // broker's message with it.
      FindCoordinatorResponse response =
          raw.send(
              new FindCoordinatorRequest.Builder(
                      new FindCoordinatorRequestData()
                          .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                          .setKey("tx-1"))
                  .build((short) 2),
              FindCoordinatorResponse.class);
      assertThat(Errors.forCode(response.data().errorCode()))
          .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      assertThat(response.data().errorMessage())
          .startsWith("Kafka transactions are not supported by this broker");
    }
  }

  @Test
  void refusalsAreLoggedAtMostOncePerProcess() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        LogCapture log =
            LogCapture.of(Class.forName("io.watershed.kafka.handlers.TransactionsRefusal"));
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      for (int i = 0; i < 3; i++) {
        raw.send(
            new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData()
                        .setTransactionalId("tx-" + i)
                        .setTransactionTimeoutMs(60_000))
                .build((short) 5),
            InitProducerIdResponse.class);
      }
      // Another test of this JVM may have been refused first.
      assertThat(log.events()).hasSizeLessThanOrEqualTo(1);
      assertThat(log.withStackTraces()).isEmpty();
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
      assertThat(Errors.forCode(error)).isEqualTo(Errors.INVALID_TXN_STATE);
      assertThat(server.topics().partition("tx", 0).orElseThrow().logEndOffset()).isZero();
    }
  }
}
