package io.watershed.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.embedded.Clients;
import io.watershed.embedded.Door;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A registered, configured extension: the node through the field and through parameters. */
class WatershedExtensionRegisteredTest {
  @RegisterExtension
  static final WatershedExtension watershed =
      WatershedExtension.builder().doors(Door.KAFKA).setting("kafka.num.partitions", "3").build();

  @Test
  void theFieldGivesTheNode(io.watershed.embedded.EmbeddedWatershed injected) throws Exception {
    assertThat(watershed.watershed()).isSameAs(injected);
    assertThat(injected.boundPorts()).containsOnlyKeys("http", "kafka");
    try (var producer = Clients.producer(watershed.watershed())) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("three", "v")).get();
      assertThat(producer.partitionsFor("three")).hasSize(3);
    }
    assertThat(Clients.kafkaRoundTrip(watershed.watershed(), "round", List.of("x")))
        .containsExactly("x");
  }
}
