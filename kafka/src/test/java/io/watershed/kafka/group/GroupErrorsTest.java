package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.coordinator.CoordinatorException;
import io.watershed.core.coordinator.CoordinatorException.Reason;
import io.watershed.core.group.GroupStoreException;
import io.watershed.core.metadata.MetadataError;
import io.watershed.log.LogStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Group state (offsets, memberships) that cannot be written gets the errors Kafka's coordinator
 * gives when its log is unavailable: retriable ones that make the client find the coordinator again
 * (CoordinatorOperationExceptionHelper maps KAFKA_STORAGE_ERROR to NOT_COORDINATOR).
 */
class GroupErrorsTest {
  @Test
  void aFullDiskUnderTheMetadataStoreIsNotCoordinator() {
    // The metadata store fails its futures with the IOException of the failed write, and every
    // later command with an IOException until it is reopened.
    assertThat(
            GroupErrors.ofWriteFailure(
                new CompletionException(new IOException("No space left on device"))))
        .isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(GroupErrors.ofWriteFailure(new UncheckedIOException(new IOException("EIO"))))
        .isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(GroupErrors.ofWriteFailure(new LogStorageException("fsync failed", null)))
        .isEqualTo(Errors.NOT_COORDINATOR);
  }

  @Test
  void aBusyOrClosingStoreIsCoordinatorNotAvailable() {
    assertThat(GroupErrors.ofWriteFailure(new RejectedExecutionException("queue full")))
        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    assertThat(GroupErrors.ofWriteFailure(new IllegalStateException("closed")))
        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
  }

  @Test
  void aCommitForATopicThatWentAwayIsUnknownTopicOrPartition() {
    assertThat(
            GroupErrors.ofWriteFailure(
                new GroupStoreException(MetadataError.UNKNOWN_TOPIC, "no topic t")))
        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
  }

  @Test
  void theRuntimesRefusalsAreTheErrorsKafkasCoordinatorRuntimeGives() {
    assertThat(
            GroupErrors.ofWriteFailure(
                new CompletionException(
                    new CoordinatorException(Reason.STORAGE, "the write failed"))))
        .isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(GroupErrors.ofWriteFailure(new CoordinatorException(Reason.OVERLOADED, "busy")))
        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    assertThat(GroupErrors.ofWriteFailure(new CoordinatorException(Reason.CLOSED, "closed")))
        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    assertThat(GroupErrors.ofWriteFailure(new CoordinatorException(Reason.LOAD_FAILED, "damaged")))
        .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    assertThat(GroupErrors.ofWriteFailure(new CoordinatorException(Reason.TOO_LARGE, "big")))
        .isEqualTo(Errors.INVALID_COMMIT_OFFSET_SIZE);
  }
}
