package io.watershed.kafka.group;

import io.watershed.core.group.GroupStore;
import io.watershed.core.group.GroupsImage;
import java.util.concurrent.CompletableFuture;

/**
 * Groups as versions before the coordinator runtime kept them: in the metadata state machine
 * (core's {@link GroupStore}). {@link GroupCoordinator#start} moves each onto the runtime and then
 * deletes it here ({@link GroupMigration}).
 */
public interface LegacyGroups {

  /** Every group still kept in the metadata state machine. */
  GroupsImage groups();

  /** Deletes a group there (a {@code DeleteGroup} command); durable when the future completes. */
  CompletableFuture<Void> deleteGroup(String groupId);

  /** The groups of core's group store. */
  static LegacyGroups of(GroupStore store) {
    return new LegacyGroups() {
      @Override
      public GroupsImage groups() {
        return store.groups();
      }

      @Override
      public CompletableFuture<Void> deleteGroup(String groupId) {
        return store.deleteGroup(groupId);
      }
    };
  }
}
