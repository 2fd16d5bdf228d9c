package io.watershed.core.group;

import java.util.Objects;
import java.util.Optional;

/**
 * What metadata holds for one group: the record of its members, if a coordinator wrote one, and its
 * committed offsets. Immutable.
 *
 * <p>Invariant: a group image has a membership record or at least one offset; a group with neither
 * does not exist.
 */
public final class GroupImage {
  private final String groupId;
  private final GroupMembership membership;
  private final GroupOffsets offsets;

  /**
   * @param groupId the group id
   * @param membership the membership record, or null when none was written (a group that only
   *     commits offsets)
   * @param offsets the committed offsets
   */
  public GroupImage(String groupId, GroupMembership membership, GroupOffsets offsets) {
    this.groupId = Objects.requireNonNull(groupId, "groupId");
    this.membership = membership;
    this.offsets = Objects.requireNonNull(offsets, "offsets");
    if (membership == null && offsets.isEmpty()) {
      throw new IllegalArgumentException("group " + groupId + " has neither members nor offsets");
    }
  }

  public String groupId() {
    return groupId;
  }

  /** The membership record, if a coordinator wrote one. */
  public Optional<GroupMembership> membership() {
    return Optional.ofNullable(membership);
  }

  public GroupOffsets offsets() {
    return offsets;
  }

  /** Whether the membership record lists at least one member. */
  public boolean hasMembers() {
    return membership != null && membership.hasMembers();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GroupImage that
        && groupId.equals(that.groupId)
        && Objects.equals(membership, that.membership)
        && offsets.equals(that.offsets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(groupId, membership, offsets);
  }

  @Override
  public String toString() {
    return "GroupImage[" + groupId + ", " + membership + ", " + offsets + "]";
  }
}
