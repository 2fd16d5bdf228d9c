package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Gives a topic a new complete set of config overrides, the common end of AlterConfigs (which sends
 * the set) and IncrementalAlterConfigs (which edits the current set): the desired set passes the
 * {@link TopicOverridePolicy}, then one metadata command sets what changed and removes what is
 * gone. The partition logs follow the command, so the new values take effect at once.
 *
 * <p>The current set is read from the metadata image before the command is submitted, so two
 * concurrent alterations of one topic may interleave (each applies its own difference to the image
 * it read); Kafka's controller serialises them. Thread-safe.
 */
final class TopicOverrides {
  private final TopicStore topics;

  TopicOverrides(TopicStore topics) {
    this.topics = topics;
  }

  /**
   * Replaces {@code topic}'s overrides with {@code desired}.
   *
   * @param validateOnly check everything, change nothing
   * @return completes when the change is durable and applied to the logs; fails with Kafka's {@code
   *     InvalidConfigurationException} when the policy refuses a config, or with the store's
   *     refusal
   */
  CompletableFuture<Void> replace(
      TopicMetadata topic, Map<String, String> desired, boolean validateOnly) {
    Map<String, String> stored;
    try {
      stored = TopicOverridePolicy.toStore(desired);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Map<String, String> set = new TreeMap<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      if (!Objects.equals(topic.configs().get(e.getKey()), e.getValue())) {
        set.put(e.getKey(), e.getValue());
      }
    }
    Set<String> remove = new HashSet<>(topic.configs().keySet());
    remove.removeAll(stored.keySet());
    if (validateOnly || (set.isEmpty() && remove.isEmpty())) {
      return CompletableFuture.completedFuture(null);
    }
    return topics.alterConfigs(topic.name(), set, remove);
  }
}
