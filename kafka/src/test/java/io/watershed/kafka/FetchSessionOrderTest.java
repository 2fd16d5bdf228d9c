package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a fetch session, a partition that returned data goes to the end of the session's order (as in
 * Kafka), so that when the response's byte limit is smaller than the backlog every partition is
 * served in turn instead of the first one until it runs dry.
 */
class FetchSessionOrderTest {
  private static final String TOPIC = "backlog";
  private static final int PARTITIONS = 3;
  private static final int LIMIT = 64 * 1024;
  private static final short VERSION = 12;

  @TempDir Path dir;

  @Test
  void partitionsWithABacklogTakeTurnsUnderTheResponseLimit() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create(TOPIC, PARTITIONS, Map.of()).join();
      byte[] value = new byte[2048];
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(
              server.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
        for (int i = 0; i < 300 * PARTITIONS; i++) {
          producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, value));
        }
        producer.flush();
      }

      Map<Integer, Long> offsets = new HashMap<>();
      Map<TopicPartition, FetchRequest.PartitionData> full = new LinkedHashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        offsets.put(p, 0L);
        full.put(new TopicPartition(TOPIC, p), partitionData(0));
      }
      FetchResponse first = fetch(raw, full, FetchMetadata.INITIAL);
      assertThat(first.error()).isEqualTo(Errors.NONE);
      int session = first.sessionId();
      assertThat(session).isNotZero();
      Set<Integer> served = new TreeSet<>(advance(first, offsets));
      assertThat(served).as("one partition fills the first response").hasSize(1);
      Set<Integer> servedEver = new TreeSet<>(served);

      FetchMetadata meta = new FetchMetadata(session, FetchMetadata.INITIAL_EPOCH);
      for (int round = 0; round < PARTITIONS; round++) {
        meta = meta.nextIncremental();
        Map<TopicPartition, FetchRequest.PartitionData> changed = new LinkedHashMap<>();
        for (int p : served) {
          changed.put(new TopicPartition(TOPIC, p), partitionData(offsets.get(p)));
        }
        FetchResponse next = fetch(raw, changed, meta);
        assertThat(next.error()).isEqualTo(Errors.NONE);
        List<Integer> got = advance(next, offsets);
        assertThat(got).as("round %d", round).hasSize(1);
        served = new TreeSet<>(got);
        servedEver.addAll(got);
      }
      assertThat(servedEver).as("every partition served within the rounds").hasSize(PARTITIONS);
    }
  }

  private static FetchRequest.PartitionData partitionData(long offset) {
    return new FetchRequest.PartitionData(Uuid.ZERO_UUID, offset, 0, LIMIT, Optional.empty());
  }

  private static FetchResponse fetch(
      RawKafkaConnection raw,
      Map<TopicPartition, FetchRequest.PartitionData> partitions,
      FetchMetadata meta)
      throws Exception {
    return raw.send(
        FetchRequest.Builder.forConsumer(VERSION, 0, 1, partitions)
            .metadata(meta)
            .setMaxBytes(LIMIT)
            .build(VERSION),
        FetchResponse.class);
  }

  /** The partitions that returned records, with {@code offsets} moved past what they returned. */
  private static List<Integer> advance(FetchResponse response, Map<Integer, Long> offsets) {
    List<Integer> withData = new ArrayList<>();
    for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
      for (FetchResponseData.PartitionData pd : t.partitions()) {
        MemoryRecords records = (MemoryRecords) pd.records();
        long next = -1;
        for (RecordBatch b : records.batches()) {
          next = b.lastOffset() + 1;
        }
        if (next > 0) {
          withData.add(pd.partitionIndex());
          offsets.put(pd.partitionIndex(), next);
        }
      }
    }
    return withData;
  }
}
