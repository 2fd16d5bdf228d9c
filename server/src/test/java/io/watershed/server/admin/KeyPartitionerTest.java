package io.watershed.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.utils.Utils;

class KeyPartitionerTest {
  /** Keys produced through the API land where Kafka's producer would put them. */
  @Property
  void hashesKeysAsKafkaDoes(@ForAll byte[] key) {
    assertThat(KeyPartitioner.murmur2(key)).isEqualTo(Utils.murmur2(key));
    assertThat(new KeyPartitioner().forKey(key, 7))
        .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 7);
  }
}
