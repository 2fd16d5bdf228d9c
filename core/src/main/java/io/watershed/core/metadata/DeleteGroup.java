package io.watershed.core.metadata;

import java.util.Objects;

/**
 * Deletes a group: its membership record and all its committed offsets. Deleting a group that does
 * not exist is not an error; whether a group may be deleted (it has no members) is the
 * coordinator's decision, made before it submits this.
 *
 * @param groupId the group
 */
public record DeleteGroup(String groupId) implements GroupCommand {

  /** Rejects a null id. */
  public DeleteGroup {
    Objects.requireNonNull(groupId, "groupId");
  }
}
