package io.watershed.kinesis;

import io.watershed.kinesis.catalog.ConsumerEntry;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.List;
import java.util.Optional;

/**
 * What operators may see of the door's streams, read-only, for the server's admin API: the streams
 * as Kinesis clients see them (those created here and every other non-internal topic), their ARNs
 * and the sequence numbers that bound their shards. Thread-safe; each call reads the catalog as it
 * is then.
 */
public final class KinesisView {
  private final KinesisContext ctx;

  KinesisView(KinesisContext ctx) {
    this.ctx = ctx;
  }

  /** Every stream, in any status, sorted by name. */
  public List<StreamEntry> streams() {
    return ctx.streams();
  }

  /**
   * The stream called {@code nameOrArn} (its name, or its ARN as DescribeStreamSummary gives it),
   * in any status; empty for a name Kinesis would refuse or an ARN of another account.
   */
  public Optional<StreamEntry> stream(String nameOrArn) {
    String name = nameOrArn;
    if (nameOrArn.startsWith("arn:")) {
      try {
        name = ctx.nameFromArn(nameOrArn);
      } catch (KinesisException notOurs) {
        return Optional.empty();
      }
    }
    if (!KinesisContext.STREAM_NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return ctx.stream(name);
  }

  public String arn(String stream) {
    return ctx.arn(stream);
  }

  public String consumerArn(String stream, ConsumerEntry consumer) {
    return ctx.consumerArn(stream, consumer);
  }

  /** The shard's StartingSequenceNumber, as DescribeStream gives it. */
  public static String startingSequenceNumber(ShardEntry shard) {
    return SequenceNumbers.position(shard.partition(), 0);
  }

  /** The shard's EndingSequenceNumber once it is closed (that of its last record), else null. */
  public static String endingSequenceNumber(ShardEntry shard) {
    return shard.isClosed() ? SequenceNumbers.position(shard.partition(), shard.endOffset()) : null;
  }
}
