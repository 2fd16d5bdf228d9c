package io.watershed.core.metadata;

import java.util.Objects;

/**
 * The whole metadata state after applying every log entry up to {@link #lastAppliedIndex()}.
 * Immutable: the state machine publishes a new image after each command, and readers on any thread
 * hold on to whichever image they read, which never changes under them.
 *
 * <p>Topics are its only part today; consumer-group offsets and subscription cursors become further
 * parts beside {@link #topics()}, each an immutable image of its own.
 *
 * @param lastAppliedIndex the index of the last log entry applied, 0 before the first; every change
 *     the image shows was acknowledged at or before this index
 * @param topics the existing topics
 */
public record MetadataImage(long lastAppliedIndex, TopicsImage topics) {

  /** The state before any command: index 0, no topics. */
  public static final MetadataImage EMPTY = new MetadataImage(0, TopicsImage.EMPTY);

  /** Rejects a negative index and null parts. */
  public MetadataImage {
    if (lastAppliedIndex < 0) {
      throw new IllegalArgumentException("negative lastAppliedIndex " + lastAppliedIndex);
    }
    Objects.requireNonNull(topics, "topics");
  }

  /** Returns a copy with the topics replaced. */
  MetadataImage withTopics(TopicsImage newTopics) {
    return new MetadataImage(lastAppliedIndex, newTopics);
  }

  /** Returns a copy stamped with a new last applied index. */
  MetadataImage atIndex(long index) {
    return new MetadataImage(index, topics);
  }
}
