package io.watershed.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

class KeyPartitionerTest {
  /** Keys produced through the API land where Kafka's producer would put them. */
  @Property
  void partitionsKeysAsKafkasProducerDoes(
      @ForAll byte[] key, @ForAll @IntRange(min = 1, max = 1000) int partitions) {
    assertThat(new KeyPartitioner().forKey(key, partitions))
        .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
  }
}
