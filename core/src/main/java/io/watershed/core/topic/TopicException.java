package io.watershed.core.topic;

import io.watershed.core.metadata.MetadataError;

/** A topic operation the metadata state machine refused, with its reason. */
public final class TopicException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final MetadataError error;

  public TopicException(MetadataError error, String message) {
    super(message);
    this.error = error;
  }

  /** Why the operation was refused; front doors map it to their protocol's error code. */
  public MetadataError error() {
    return error;
  }
}
