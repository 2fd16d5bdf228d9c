package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupRequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/**
 * ConsumerGroupHeartbeat (KIP-848, {@code group.protocol=consumer}): join, heartbeat and leave of
 * consumer groups, whose partitions the coordinator assigns. Version 1 adds regular-expression
 * subscriptions and client-generated member ids (KIP-1082).
 */
final class ConsumerGroupHeartbeatHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ConsumerGroupHeartbeatRequest req = request.body(ConsumerGroupHeartbeatRequest.class);
    return coordinator
        .consumerGroupHeartbeat(GroupRequestContext.of(request.context()), req.data())
        .thenApply(ConsumerGroupHeartbeatResponse::new);
  }
}
