package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.KafkaBroker;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** Finds the topic a request names, by name or (newer versions) by topic id. */
final class Topics {
  private Topics() {}

  /** The topic named {@code name}, or with id {@code id} when the name is empty. */
  static Optional<TopicMetadata> find(KafkaBroker broker, String name, Uuid id) {
    if (name != null && !name.isEmpty()) {
      return broker.topics().describe(name);
    }
    if (id != null && !Uuid.ZERO_UUID.equals(id)) {
      return broker.topic(id);
    }
    return Optional.empty();
  }
}
