package io.watershed.kafka.group;

import io.watershed.core.group.CommittedOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * A committed offset as the coordinator keeps it: with the id of the topic it was committed for, so
 * that an offset of a deleted topic never counts for a new topic of the same name (it is invisible
 * at once, and removed by a tombstone soon after).
 *
 * @param topicId the id of the topic when the offset was committed
 * @param committed the offset and what came with it
 */
record OffsetEntry(UUID topicId, CommittedOffset committed) {
  OffsetEntry {
    Objects.requireNonNull(topicId, "topicId");
    Objects.requireNonNull(committed, "committed");
  }
}
