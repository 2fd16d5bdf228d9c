package io.watershed.core.metadata;

import io.watershed.core.group.ClassicGroupMembership;
import java.util.Objects;

/**
 * Records a classic group's membership after a rebalance completed (or the group became empty),
 * replacing whatever membership record the group had; its offsets stay.
 *
 * @param groupId the group
 * @param membership the generation, protocol, leader and members with their assignments
 */
public record PutClassicGroup(String groupId, ClassicGroupMembership membership)
    implements GroupCommand {

  /** Rejects nulls. */
  public PutClassicGroup {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(membership, "membership");
  }
}
