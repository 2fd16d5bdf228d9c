package io.watershed.core.metadata;

import io.watershed.core.group.GroupsImage;
import java.util.Objects;

/**
 * The whole metadata state after applying every log entry up to {@link #lastAppliedIndex()}.
 * Immutable: the state machine publishes a new image after each command, and readers on any thread
 * hold on to whichever image they read, which never changes under them.
 *
 * <p>Each part is an immutable image of its own; a command replaces only the parts it changes, so
 * the copy per command is a few references plus what the part's own update copies. Subscription
 * cursors become a further part beside {@link #topics()} and {@link #groups()}.
 *
 * @param lastAppliedIndex the index of the last log entry applied, 0 before the first; every change
 *     the image shows was acknowledged at or before this index
 * @param topics the existing topics
 * @param groups the groups' membership records and committed offsets
 */
public record MetadataImage(long lastAppliedIndex, TopicsImage topics, GroupsImage groups) {

  /** The state before any command: index 0, no topics, no groups. */
  public static final MetadataImage EMPTY =
      new MetadataImage(0, TopicsImage.EMPTY, GroupsImage.EMPTY);

  /** Rejects a negative index and null parts. */
  public MetadataImage {
    if (lastAppliedIndex < 0) {
      throw new IllegalArgumentException("negative lastAppliedIndex " + lastAppliedIndex);
    }
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groups, "groups");
  }

  /** An image of topics and no groups. */
  public MetadataImage(long lastAppliedIndex, TopicsImage topics) {
    this(lastAppliedIndex, topics, GroupsImage.EMPTY);
  }

  /** Returns a copy with the topics replaced. */
  MetadataImage withTopics(TopicsImage newTopics) {
    return new MetadataImage(lastAppliedIndex, newTopics, groups);
  }

  /** Returns a copy with the groups replaced. */
  MetadataImage withGroups(GroupsImage newGroups) {
    return new MetadataImage(lastAppliedIndex, topics, newGroups);
  }

  /** Returns a copy stamped with a new last applied index. */
  MetadataImage atIndex(long index) {
    return new MetadataImage(index, topics, groups);
  }
}
