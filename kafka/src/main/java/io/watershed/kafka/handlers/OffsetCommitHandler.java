package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupRequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit v2-9, answered once the offsets are durable (commits of many clients share fsyncs).
 * Version 10 addresses topics by id only; it is not advertised, so clients commit by name.
 */
final class OffsetCommitHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  OffsetCommitHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_COMMIT;
  }

  @Override
  public short maxVersion() {
    return 9;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    OffsetCommitRequest req = request.body(OffsetCommitRequest.class);
    return coordinator
        .commitOffsets(GroupRequestContext.of(request.context()), req.data())
        .thenApply(OffsetCommitResponse::new);
  }
}
