package io.watershed.kafka.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups the coordinator manages in memory, by id. Confined to the coordinator's scheduler.
 *
 * <p>A group found here is the live one; a timer or a write completion holding an older object of
 * the same id (the group was deleted, or changed protocol) must check {@link #isCurrent} and do
 * nothing when it is not.
 */
final class GroupRegistry {
  private final Map<String, CoordinatedGroup> groups = new HashMap<>();

  /** The group, or null. */
  CoordinatedGroup get(String groupId) {
    return groups.get(groupId);
  }

  /** Adds or replaces the group with the same id. */
  void put(CoordinatedGroup group) {
    groups.put(group.groupId(), group);
  }

  void remove(String groupId) {
    groups.remove(groupId);
  }

  /** Whether {@code group} is still the live group of its id. */
  boolean isCurrent(CoordinatedGroup group) {
    return groups.get(group.groupId()) == group;
  }

  /** Every group; a copy. */
  Collection<CoordinatedGroup> all() {
    return List.copyOf(groups.values());
  }
}
