package io.watershed.core.group;

import io.watershed.core.metadata.MetadataError;

/** A change to group state that the metadata state machine refused, with its reason. */
public final class GroupStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final MetadataError error;

  public GroupStoreException(MetadataError error, String message) {
    super(message);
    this.error = error;
  }

  /** Why the change was refused; front doors map it to their protocol's error code. */
  public MetadataError error() {
    return error;
  }
}
