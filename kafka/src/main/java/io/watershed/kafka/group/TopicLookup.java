package io.watershed.kafka.group;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The topics groups refer to, as the coordinator looks them up: core's topic store in production, a
 * map in tests. Lock-free snapshots; any thread.
 */
public interface TopicLookup {

  Optional<TopicMetadata> topic(String name);

  Optional<TopicMetadata> topic(UUID topicId);

  /** Every topic, sorted by name. */
  Collection<TopicMetadata> topics();

  /** The topics of {@code store}. */
  static TopicLookup of(TopicStore store) {
    return new TopicLookup() {
      @Override
      public Optional<TopicMetadata> topic(String name) {
        return store.describe(name);
      }

      @Override
      public Optional<TopicMetadata> topic(UUID topicId) {
        return store.describe(topicId);
      }

      @Override
      public Collection<TopicMetadata> topics() {
        return store.list();
      }
    };
  }
}
