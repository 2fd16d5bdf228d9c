package io.watershed.core.metadata;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Short ways to build commands in tests. Topic ids derive from names, so they are repeatable. */
final class Commands {

  private Commands() {}

  static UUID idOf(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  static CreateTopic create(String name, int partitions) {
    return new CreateTopic(name, partitions, Map.of(), idOf(name));
  }

  static CreateTopic create(String name, int partitions, Map<String, String> configs) {
    return new CreateTopic(name, partitions, configs, idOf(name));
  }

  static DeleteTopic delete(String name) {
    return new DeleteTopic(name);
  }

  static AlterTopicConfigs alter(String name, Map<String, String> set, Set<String> remove) {
    return new AlterTopicConfigs(name, set, remove);
  }

  static CreatePartitions grow(String name, int newPartitionCount) {
    return new CreatePartitions(name, newPartitionCount);
  }
}
