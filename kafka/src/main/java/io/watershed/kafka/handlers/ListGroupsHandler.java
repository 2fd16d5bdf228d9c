package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/** ListGroups, with the state filter (v4+) and the type filter (v5+). */
final class ListGroupsHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  ListGroupsHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LIST_GROUPS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ListGroupsRequestData req = request.body(ListGroupsRequest.class).data();
    return coordinator
        .listGroups(req.statesFilter(), req.typesFilter())
        .thenApply(
            groups ->
                new ListGroupsResponse(
                    new ListGroupsResponseData().setThrottleTimeMs(0).setGroups(groups)));
  }
}
