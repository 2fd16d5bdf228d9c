package io.watershed.kinesis.handlers;

import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.OperationHandler;
import java.util.List;

/** Every operation the Kinesis front door serves, one handler each. */
public final class KinesisOperations {
  private KinesisOperations() {}

  public static List<OperationHandler> all(KinesisContext ctx) {
    return List.of(
        new CreateStreamHandler(ctx),
        new DeleteStreamHandler(ctx),
        new DescribeStreamHandler(ctx),
        new DescribeStreamSummaryHandler(ctx),
        new ListStreamsHandler(ctx),
        new ListShardsHandler(ctx),
        new PutRecordHandler(ctx),
        new PutRecordsHandler(ctx),
        new GetShardIteratorHandler(ctx),
        new GetRecordsHandler(ctx),
        new DescribeLimitsHandler(ctx));
  }
}
