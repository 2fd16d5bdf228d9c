package io.watershed.kafka.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.LogConfig;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.Test;

/** The catalog keeps up with the log engine: a config the log learns must be described here. */
class TopicConfigCatalogTest {

  @Test
  void everyConfigTheLogHonoursHasAKafkaTypeDocumentationAndBrokerSynonym() {
    for (String name : LogConfig.names()) {
      TopicConfigCatalog.Entry e = TopicConfigCatalog.find(name).orElseThrow();
      assertThat(e.honoured()).as(name).isTrue();
      assertThat(e.type()).as(name).isNotEqualTo(ConfigType.UNKNOWN);
      assertThat(e.documentation()).as(name).isNotBlank();
      assertThat(e.brokerName()).as(name).isNotBlank();
    }
  }

  @Test
  void fixedConfigsAreValuesTheirOwnTypeAccepts() {
    for (TopicConfigCatalog.Entry e : TopicConfigCatalog.all()) {
      if (!e.honoured()) {
        assertThat(TopicOverridePolicy.sameValue(e.type(), e.fixedValue(), e.fixedValue()))
            .as(e.name())
            .isTrue();
        assertThat(TopicOverridePolicy.toStore(Map.of(e.name(), e.fixedValue())))
            .as(e.name())
            .isEmpty();
      }
    }
  }
}
