package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An operation given as a function, for the small ones that come in mirrored pairs (tags,
 * retention, encryption, monitoring, consumers), whose handlers live together in one class each.
 */
record SimpleOperation(String operation, Function<KinesisRequest, CompletableFuture<ObjectNode>> fn)
    implements OperationHandler {
  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest request) {
    return fn.apply(request);
  }
}
