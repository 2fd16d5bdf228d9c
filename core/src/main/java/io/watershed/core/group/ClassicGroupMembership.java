package io.watershed.core.group;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A classic group as of its last completed rebalance (or as it became empty): the generation, the
 * protocol its leader chose and every member with its assignment.
 *
 * @param protocolType the kind of group the members agreed on ({@code "consumer"} for consumers);
 *     empty only for a group that never had members
 * @param generation the generation the members belong to; 0 before the first rebalance
 * @param protocolName the protocol selected for the generation, or null when there are no members
 * @param leaderId the member id of the leader, or null when there are no members
 * @param members the members, in the order they joined; copied
 */
public record ClassicGroupMembership(
    String protocolType,
    int generation,
    String protocolName,
    String leaderId,
    List<ClassicMemberRecord> members)
    implements GroupMembership {

  /**
   * Checks the invariants: a non-negative generation; unique member ids and instance ids; with
   * members, a selected protocol and a leader that is one of them.
   */
  public ClassicGroupMembership {
    Objects.requireNonNull(protocolType, "protocolType");
    members = List.copyOf(members);
    if (generation < 0) {
      throw new IllegalArgumentException("negative generation " + generation);
    }
    Set<String> ids = new HashSet<>();
    Set<String> instances = new HashSet<>();
    for (ClassicMemberRecord m : members) {
      if (!ids.add(m.memberId())) {
        throw new IllegalArgumentException("member " + m.memberId() + " appears twice");
      }
      if (m.groupInstanceId() != null && !instances.add(m.groupInstanceId())) {
        throw new IllegalArgumentException(
            "group instance " + m.groupInstanceId() + " belongs to two members");
      }
    }
    if (!members.isEmpty() && (protocolName == null || !ids.contains(leaderId))) {
      throw new IllegalArgumentException(
          "a group with members needs a protocol and a leader among them, got "
              + protocolName
              + " and "
              + leaderId);
    }
  }

  @Override
  public boolean hasMembers() {
    return !members.isEmpty();
  }
}
