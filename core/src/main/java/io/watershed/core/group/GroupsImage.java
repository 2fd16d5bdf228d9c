package io.watershed.core.group;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every group's membership record and committed offsets at one point of the metadata log.
 * Immutable, so it can be read from any thread without locks.
 *
 * <p>Updates share structure: changing one group copies O(log groups) tree nodes plus the path to
 * the changed entries inside that group, never the other groups or their offsets.
 *
 * <p>Invariant: every group held satisfies {@link GroupImage}'s invariant; an update that leaves a
 * group with neither a membership record nor offsets removes the group.
 */
public final class GroupsImage {

  /** No groups. */
  public static final GroupsImage EMPTY = new GroupsImage(PersistentSortedMap.empty());

  private final PersistentSortedMap<String, GroupImage> groups;

  private GroupsImage(PersistentSortedMap<String, GroupImage> groups) {
    this.groups = groups;
  }

  /** An image holding {@code groups}; rejects two groups with one id. */
  public static GroupsImage of(Collection<GroupImage> groups) {
    PersistentSortedMap<String, GroupImage> map = PersistentSortedMap.empty();
    for (GroupImage group : groups) {
      if (map.containsKey(group.groupId())) {
        throw new IllegalArgumentException("duplicate group " + group.groupId());
      }
      map = map.with(group.groupId(), group);
    }
    return new GroupsImage(map);
  }

  public Optional<GroupImage> group(String groupId) {
    return Optional.ofNullable(groups.get(groupId));
  }

  /** Every group, sorted by id; a new list. */
  public List<GroupImage> all() {
    return groups.values();
  }

  public int size() {
    return groups.size();
  }

  /** Offsets of {@code groupId} with {@code commits} applied in order; creates the group. */
  public GroupsImage withOffsets(String groupId, Collection<PartitionOffset> commits) {
    GroupImage group = groups.get(groupId);
    GroupOffsets offsets = group == null ? GroupOffsets.EMPTY : group.offsets();
    for (PartitionOffset commit : commits) {
      offsets = offsets.with(commit);
    }
    return put(groupId, group == null ? null : membershipOf(group), offsets);
  }

  /** Offsets of {@code groupId} without those of {@code partitions}; absent ones are ignored. */
  public GroupsImage withoutOffsets(String groupId, Collection<PartitionKey> partitions) {
    GroupImage group = groups.get(groupId);
    if (group == null) {
      return this;
    }
    GroupOffsets offsets = group.offsets();
    for (PartitionKey partition : partitions) {
      offsets = offsets.without(partition);
    }
    return put(groupId, membershipOf(group), offsets);
  }

  /** Every group without the offsets of {@code topic}, as when the topic is deleted. O(groups). */
  public GroupsImage withoutTopic(String topic) {
    GroupsImage result = this;
    for (GroupImage group : groups.values()) {
      if (group.offsets().hasTopic(topic)) {
        result =
            result.put(group.groupId(), membershipOf(group), group.offsets().withoutTopic(topic));
      }
    }
    return result;
  }

  /** {@code groupId} with {@code membership} replacing its membership record; keeps offsets. */
  public GroupsImage withMembership(String groupId, GroupMembership membership) {
    GroupImage group = groups.get(groupId);
    return put(groupId, membership, group == null ? GroupOffsets.EMPTY : group.offsets());
  }

  /** An image without {@code groupId}, its record and its offsets; this image if absent. */
  public GroupsImage withoutGroup(String groupId) {
    return groups.containsKey(groupId) ? new GroupsImage(groups.without(groupId)) : this;
  }

  private GroupsImage put(String groupId, GroupMembership membership, GroupOffsets offsets) {
    if (membership == null && offsets.isEmpty()) {
      return withoutGroup(groupId);
    }
    return new GroupsImage(groups.with(groupId, new GroupImage(groupId, membership, offsets)));
  }

  private static GroupMembership membershipOf(GroupImage group) {
    return group.membership().orElse(null);
  }

  /** Two images are equal when they hold equal groups. */
  @Override
  public boolean equals(Object other) {
    return other instanceof GroupsImage that && groups.equals(that.groups);
  }

  @Override
  public int hashCode() {
    return groups.hashCode();
  }

  @Override
  public String toString() {
    return "GroupsImage" + groups.values();
  }
}
