package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupRequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/**
 * JoinGroup (classic groups). The answer waits until the rebalance's join phase ends; the event
 * loop is free meanwhile.
 */
final class JoinGroupHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  JoinGroupHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.JOIN_GROUP;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    JoinGroupRequest req = request.body(JoinGroupRequest.class);
    short version = request.version();
    return coordinator
        .joinGroup(GroupRequestContext.of(request.context()), req.data())
        .thenApply(data -> new JoinGroupResponse(data, version));
  }
}
