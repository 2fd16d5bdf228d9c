package io.watershed.core.metadata;

import java.util.Objects;

/**
 * Deletes a topic and forgets its configuration and every offset a group committed for it. The
 * topic's id is never reused.
 *
 * @param name the name of an existing topic
 */
public record DeleteTopic(String name) implements MetadataCommand {

  /** Rejects a null name. */
  public DeleteTopic {
    Objects.requireNonNull(name, "name");
  }
}
