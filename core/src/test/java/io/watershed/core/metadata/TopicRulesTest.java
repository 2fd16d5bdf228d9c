package io.watershed.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "orders", "Orders.v2", "my_topic-1", "...", ".a", "__consumer"})
  void acceptsKafkaLegalNames(String name) {
    assertThat(TopicRules.checkName(name)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a b", "a/b", "é", "a:b", "a\u0000"})
  void refusesKafkaIllegalNames(String name) {
    assertThat(TopicRules.checkName(name)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(ints = {TopicRules.MAX_NAME_LENGTH, TopicRules.MAX_NAME_LENGTH + 1})
  void limitsTheNameLength(int length) {
    assertThat(TopicRules.checkName("x".repeat(length)).isPresent())
        .isEqualTo(length > TopicRules.MAX_NAME_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1, 10_000, 10_001})
  void limitsThePartitionCount(int count) {
    assertThat(TopicRules.checkPartitionCount(count).isEmpty())
        .isEqualTo(count >= 1 && count <= 10_000);
  }
}
