package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * SyncGroup (classic groups): the leader hands in the assignment, every member gets its part once
 * it is durable.
 */
final class SyncGroupHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  SyncGroupHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.SYNC_GROUP;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    SyncGroupRequest req = request.body(SyncGroupRequest.class);
    return coordinator.syncGroup(req.data()).thenApply(SyncGroupResponse::new);
  }
}
