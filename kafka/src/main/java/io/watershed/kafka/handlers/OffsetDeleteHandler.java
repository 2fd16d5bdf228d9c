package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/** OffsetDelete: removes a group's offsets of topics it no longer consumes. */
final class OffsetDeleteHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  OffsetDeleteHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_DELETE;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    OffsetDeleteRequest req = request.body(OffsetDeleteRequest.class);
    return coordinator.deleteOffsets(req.data()).thenApply(OffsetDeleteResponse::new);
  }
}
