package io.watershed.core.metadata;

import io.watershed.core.group.ConsumerMemberRecord;
import java.util.List;
import java.util.Objects;

/**
 * Changes a consumer group (the protocol in which the coordinator assigns partitions): sets its
 * epochs, removes some members and adds or replaces others. Carries only what changed, so that a
 * heartbeat moving one member on writes one member, however large the group. A group holding a
 * classic membership record starts over as an empty consumer group; its offsets stay.
 *
 * @param groupId the group
 * @param groupEpoch the group epoch afterwards
 * @param assignmentEpoch the assignment epoch afterwards, at most {@code groupEpoch}
 * @param upserts members added or replaced, each under its own member id; copied
 * @param removedMemberIds members removed before the upserts are applied; copied
 */
public record UpdateConsumerGroup(
    String groupId,
    int groupEpoch,
    int assignmentEpoch,
    List<ConsumerMemberRecord> upserts,
    List<String> removedMemberIds)
    implements GroupCommand {

  /** Rejects nulls and epochs out of order, and copies the lists. */
  public UpdateConsumerGroup {
    Objects.requireNonNull(groupId, "groupId");
    if (assignmentEpoch < 0 || assignmentEpoch > groupEpoch) {
      throw new IllegalArgumentException(
          "assignment epoch " + assignmentEpoch + " outside 0.." + groupEpoch);
    }
    upserts = List.copyOf(upserts);
    removedMemberIds = List.copyOf(removedMemberIds);
  }
}
