package io.watershed.core.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Changes some of a topic's configuration overrides and leaves the others as they are (Kafka's
 * incremental alter, not a replace).
 *
 * @param name the name of an existing topic
 * @param set overrides to add or replace, each checked by the {@link TopicConfigValidator}; copied
 * @param remove keys whose overrides are removed, so that the default applies again; removing a key
 *     that is not set is not an error; must not share a key with {@code set}; copied
 */
public record AlterTopicConfigs(String name, Map<String, String> set, Set<String> remove)
    implements MetadataCommand {

  /** Rejects nulls and copies both collections. */
  public AlterTopicConfigs {
    Objects.requireNonNull(name, "name");
    set = SortedCopies.map(set);
    remove = SortedCopies.set(remove);
  }
}
