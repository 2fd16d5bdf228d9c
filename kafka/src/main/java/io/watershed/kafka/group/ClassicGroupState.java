package io.watershed.kafka.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a classic group, with Kafka's names (they appear in ListGroups and DescribeGroups)
 * and the states each may be entered from.
 */
enum ClassicGroupState {
  /** No members; offsets may remain. */
  EMPTY("Empty"),
  /** Waiting for every member to (re)join. */
  PREPARING_REBALANCE("PreparingRebalance"),
  /** Joined; waiting for the leader's assignment in SyncGroup. */
  COMPLETING_REBALANCE("CompletingRebalance"),
  /** Every member has its assignment. */
  STABLE("Stable"),
  /** Removed; never entered by this coordinator's groups but named by the protocol. */
  DEAD("Dead");

  private final String kafkaName;

  ClassicGroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  /** The name Kafka reports for the state. */
  String kafkaName() {
    return kafkaName;
  }

  /** The states this one may be entered from. */
  Set<ClassicGroupState> validPrevious() {
    return switch (this) {
      case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
      case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
      case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
      case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
      case DEAD -> EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
    };
  }
}
