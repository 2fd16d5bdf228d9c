package io.watershed.core.group;

/**
 * What a group coordinator must remember about a group's members to carry on after a restart. Two
 * kinds exist, after the two ways Kafka consumers form groups: members that elect a leader which
 * assigns partitions ({@link ClassicGroupMembership}), and members that the coordinator assigns
 * partitions to itself ({@link ConsumerGroupMembership}).
 *
 * <p>Protocol-free: subscriptions and assignments of classic groups are opaque bytes; partitions of
 * consumer groups are named by topic id. Implementations are immutable.
 */
public sealed interface GroupMembership permits ClassicGroupMembership, ConsumerGroupMembership {

  /** Whether the group has at least one member. */
  boolean hasMembers();
}
