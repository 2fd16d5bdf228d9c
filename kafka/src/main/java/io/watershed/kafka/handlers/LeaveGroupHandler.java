package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/** LeaveGroup (classic groups): one member (v0-2) or a batch by member id or instance id (v3+). */
final class LeaveGroupHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  LeaveGroupHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LEAVE_GROUP;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    LeaveGroupRequest req = request.body(LeaveGroupRequest.class);
    short version = request.version();
    return coordinator
        .leaveGroup(req.data().groupId(), req.members())
        .thenApply(result -> new LeaveGroupResponse(result.members(), result.error(), 0, version));
  }
}
