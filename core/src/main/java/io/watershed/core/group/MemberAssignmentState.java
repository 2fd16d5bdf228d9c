package io.watershed.core.group;

/** Where a consumer-group member stands in moving from its current assignment to its target one. */
public enum MemberAssignmentState {
  /** The member owns its whole target assignment, or all of it that is free to own. */
  STABLE,
  /** The member was asked to give up partitions and has not yet confirmed that it did. */
  UNREVOKED_PARTITIONS,
  /** Some partitions of the member's target are still owned by other members. */
  UNRELEASED_PARTITIONS
}
