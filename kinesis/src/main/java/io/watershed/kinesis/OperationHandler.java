package io.watershed.kinesis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * One Kinesis operation. {@link #handle} runs on an event loop: it must not block, and hands work
 * that may (catalog writes, disk reads) to {@link KinesisContext#io()}. It may throw {@link
 * KinesisException} or complete the future with one.
 */
public interface OperationHandler {
  /** The operation name after {@code Kinesis_20131202.}, e.g. {@code PutRecord}. */
  String operation();

  /** Serves one request; the future holds the response members. */
  CompletableFuture<ObjectNode> handle(KinesisRequest request);
}
