package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;

/**
 * Heartbeat (classic groups): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
 * rejoin.
 */
final class HeartbeatHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  HeartbeatHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.HEARTBEAT;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    HeartbeatRequest req = request.body(HeartbeatRequest.class);
    return coordinator
        .heartbeat(req.data())
        .thenApply(
            error ->
                new HeartbeatResponse(
                    new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(error.code())));
  }
}
