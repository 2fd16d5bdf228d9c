package io.watershed.kinesis.handlers;

import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.Resharder;
import io.watershed.kinesis.StreamingOperation;
import java.util.ArrayList;
import java.util.List;

/** Every operation the Kinesis front door serves, one handler each. */
public final class KinesisOperations {
  private KinesisOperations() {}

  public static List<OperationHandler> all(KinesisContext ctx) {
    Resharder resharder = new Resharder(ctx);
    List<OperationHandler> all = new ArrayList<>();
    all.addAll(TagHandlers.all(ctx));
    all.addAll(StreamSettingsHandlers.all(ctx));
    all.addAll(ConsumerHandlers.all(ctx));
    all.addAll(
        List.of(
            new SplitShardHandler(ctx, resharder),
            new MergeShardsHandler(ctx, resharder),
            new UpdateShardCountHandler(ctx, resharder),
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
            new DescribeLimitsHandler(ctx)));
    return all;
  }

  /** The operations answered with an event stream. */
  public static List<StreamingOperation> streaming(KinesisContext ctx) {
    return List.of(new SubscribeToShardHandler(ctx));
  }
}
