package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch v1-9: one group (v1-7) or a batch (v8+), all offsets of a group when no topics are
 * named; -1 for a partition without a committed offset. {@code require_stable} is accepted: with no
 * transactions, every committed offset is stable. Version 10 addresses topics by id only; it is not
 * advertised.
 */
final class OffsetFetchHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  OffsetFetchHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_FETCH;
  }

  @Override
  public short maxVersion() {
    return 9;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    OffsetFetchRequest req = request.body(OffsetFetchRequest.class);
    short version = request.version();
    return coordinator
        .fetchOffsets(req.groups())
        .thenApply(groups -> new OffsetFetchResponse.Builder(groups).build(version));
  }
}
