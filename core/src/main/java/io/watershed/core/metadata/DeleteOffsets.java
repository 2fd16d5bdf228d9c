package io.watershed.core.metadata;

import io.watershed.core.group.PartitionKey;
import java.util.List;
import java.util.Objects;

/**
 * Deletes some of a group's committed offsets. Partitions without an offset, and a group that does
 * not exist, are ignored. A group left with neither offsets nor a membership record is gone.
 *
 * @param groupId the group
 * @param partitions the partitions whose offsets go; copied
 */
public record DeleteOffsets(String groupId, List<PartitionKey> partitions) implements GroupCommand {

  /** Rejects nulls and copies {@code partitions}. */
  public DeleteOffsets {
    Objects.requireNonNull(groupId, "groupId");
    partitions = List.copyOf(partitions);
  }
}
