package io.watershed.kinesis.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.log.LogDamagedException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * A read that reaches a range the log has fenced as damaged is answered with a 500
 * InternalFailureException that names the range in the shard's sequence numbers, says retrying will
 * not help, and tells how to read on past it; no Java class name reaches the client.
 */
class DamagedRangeTest {
  private static final ShardEntry SHARD =
      ShardEntry.open(3, BigInteger.ZERO, BigInteger.TEN, -1, -1, 0);

  @Test
  void aDamagedRangeIsNamedInSequenceNumbers() {
    KinesisException e =
        ShardReader.damaged(
            "orders", SHARD, new LogDamagedException("orders-3: bad CRC at offset 100", 100, 150));
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.errorType()).isEqualTo("InternalFailureException");
    assertThat(e.getMessage())
        .contains("shardId-000000000003", "orders")
        .contains(SequenceNumbers.of(3, 100) + " to " + SequenceNumbers.of(3, 149))
        .contains("Retrying will not help")
        .contains("AFTER_SEQUENCE_NUMBER at " + SequenceNumbers.of(3, 149))
        .doesNotContain("Exception", "CRC");
  }

  @Test
  void aDamagedRangeOfUnknownEndRunsToTheEnd() {
    KinesisException e =
        ShardReader.damaged("orders", SHARD, new LogDamagedException("damaged", 7, -1));
    assertThat(e.getMessage())
        .contains("from sequence number " + SequenceNumbers.of(3, 7) + " on")
        .contains("an operator must repair the shard");
  }
}
