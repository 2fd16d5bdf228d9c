package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first consumer of a new group, with the default initial rebalance delay (3 s, Kafka's): it
 * gets its partitions without waiting that delay out, since nobody else is joining.
 */
class FirstConsumerTest {
  @TempDir Path dir;

  @Test
  void aLoneConsumerOfANewGroupGetsItsPartitionsWithoutTheInitialDelay() throws Exception {
    KafkaConfig defaults = KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1");
    assertThat(defaults.groupInitialRebalanceDelayMs()).isEqualTo(3000);
    try (KafkaTestServer server = new KafkaTestServer(dir, defaults)) {
      server.topics().create("first", 2, Map.of()).join();
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(
              server.bootstrap(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "new-group"))) {
        consumer.subscribe(List.of("first"));
        long start = System.nanoTime();
        while (consumer.assignment().isEmpty()
            && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
          consumer.poll(Duration.ofMillis(100));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(consumer.assignment()).hasSize(2);
        // Joining, syncing and a first fetch take tens of milliseconds here; the delay was 3 s.
        assertThat(ms).as("ms until the consumer had its partitions").isLessThan(2_000);
      }
    }
  }
}
