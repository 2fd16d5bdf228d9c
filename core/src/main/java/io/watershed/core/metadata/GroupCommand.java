package io.watershed.core.metadata;

/**
 * A command that changes one group's durable state: its committed offsets or its membership record.
 * Group commands never change topics; topic commands change groups only in that deleting a topic
 * deletes the offsets committed for it.
 */
public sealed interface GroupCommand extends MetadataCommand
    permits CommitOffsets, DeleteOffsets, DeleteGroup, PutClassicGroup, UpdateConsumerGroup {

  /** The group the command changes. */
  String groupId();
}
