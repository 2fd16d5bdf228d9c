package io.watershed.core.group;

import java.util.Objects;

/**
 * An offset a group committed for one partition: the position of the next record the group will
 * read there.
 *
 * @param offset the committed position
 * @param leaderEpoch the leader epoch of the last record read, or {@link #NO_LEADER_EPOCH}
 * @param metadata a string the client attached to the commit; empty when none
 * @param commitTimestampMs when the commit was accepted, in milliseconds since the epoch; chosen by
 *     whoever builds the command, so that replays give the same value
 */
public record CommittedOffset(
    long offset, int leaderEpoch, String metadata, long commitTimestampMs) {

  /** The leader epoch of an offset committed without one. */
  public static final int NO_LEADER_EPOCH = -1;

  /** Rejects a null metadata string and epochs below {@link #NO_LEADER_EPOCH}. */
  public CommittedOffset {
    Objects.requireNonNull(metadata, "metadata");
    if (leaderEpoch < NO_LEADER_EPOCH) {
      throw new IllegalArgumentException("leaderEpoch " + leaderEpoch + " is below -1");
    }
  }
}
