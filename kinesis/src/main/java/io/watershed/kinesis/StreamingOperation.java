package io.watershed.kinesis;

import java.util.concurrent.CompletableFuture;

/**
 * An operation answered with an event stream instead of one body (SubscribeToShard). {@link #open}
 * runs on an event loop and must not block; its future fails with the {@link KinesisException} to
 * answer instead of the stream.
 */
public interface StreamingOperation {
  /** The operation name after {@code Kinesis_20131202.}. */
  String operation();

  /** Checks the request and prepares the stream; the door starts it once the headers are out. */
  CompletableFuture<EventStream> open(KinesisRequest request);
}
