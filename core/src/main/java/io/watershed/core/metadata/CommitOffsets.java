package io.watershed.core.metadata;

import io.watershed.core.group.PartitionOffset;
import java.util.List;
import java.util.Objects;

/**
 * Commits offsets for a group, each replacing any earlier commit of its partition; creates the
 * group if needed. All or nothing: if any partition does not exist when the command is applied,
 * nothing is committed.
 *
 * @param groupId the group
 * @param offsets one or more offsets, each of an existing topic's existing partition, applied in
 *     order (a partition listed twice keeps the last); copied
 */
public record CommitOffsets(String groupId, List<PartitionOffset> offsets) implements GroupCommand {

  /** Rejects nulls and copies {@code offsets}. */
  public CommitOffsets {
    Objects.requireNonNull(groupId, "groupId");
    offsets = List.copyOf(offsets);
  }
}
