package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups: deletes empty groups with their offsets; a group with members is refused with
 * NON_EMPTY_GROUP.
 */
final class DeleteGroupsHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  DeleteGroupsHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_GROUPS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DeleteGroupsRequest req = request.body(DeleteGroupsRequest.class);
    return coordinator
        .deleteGroups(req.data().groupsNames())
        .thenApply(
            results ->
                new DeleteGroupsResponse(
                    new DeleteGroupsResponseData()
                        .setThrottleTimeMs(0)
                        .setResults(new DeletableGroupResultCollection(results.iterator()))));
  }
}
