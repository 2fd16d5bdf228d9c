package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.Header;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks the log makes of batches besides an append's own validation. */
class BatchValidatorTest {
  private static final long NOW = 1_700_000_000_000L;

  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(TestBatches.bytes(s));
  }

  @Test
  void aBatchWhoseBytesChangeAfterValidationIsRefusedAtTheWrite() {
    ByteBuffer batch = TestBatches.values(NOW, "one", "two", "three");
    BatchValidator.Validated v =
        BatchValidator.validate(batch, LogConfig.DEFAULTS, AppendOptions.DURABLE, NOW);
    BatchValidator.checkUnchanged(v, "p-0"); // untouched: fine
    // The caller's buffer is reused too early: a byte the CRC covers changes.
    int at = batch.limit() - 2;
    batch.put(at, (byte) (batch.get(at) ^ 1));
    assertThatThrownBy(() -> BatchValidator.checkUnchanged(v, "p-0"))
        .isInstanceOf(CorruptBatchException.class)
        .hasMessageContaining("changed");
  }

  @Test
  void aCompactedBatchWithFewerRecordsThanOffsetsIsWellFormed() {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.ZSTD).lastOffsetDelta(9);
    b.appendWithOffset(2, NOW, buf("k1"), buf("v"), List.<Header>of());
    b.appendWithOffset(7, NOW, buf("k2"), buf("v"), List.<Header>of());
    BatchValidator.checkWellFormed(b.build());
  }

  @Test
  void aRewrittenBatchClaimingMoreRecordsThanOffsetsIsNotWellFormed() {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE).lastOffsetDelta(9);
    b.appendWithOffset(2, NOW, buf("k1"), buf("v"), List.<Header>of());
    ByteBuffer batch = b.build();
    batch.putInt(RecordBatchLayout.RECORD_COUNT, 11);
    RecordBatchLayout.writeCrc(batch, 0);
    assertThatThrownBy(() -> BatchValidator.checkWellFormed(batch))
        .isInstanceOf(CorruptBatchException.class);
  }

  @Test
  void clientBatchesMustNumberTheirRecordsOneByOne() {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE).lastOffsetDelta(9);
    b.appendWithOffset(2, NOW, buf("k1"), buf("v"), List.<Header>of());
    ByteBuffer batch = b.build();
    assertThat(batch.remaining()).isPositive();
    assertThatThrownBy(
            () -> BatchValidator.validate(batch, LogConfig.DEFAULTS, AppendOptions.DURABLE, NOW))
        .isInstanceOf(CorruptBatchException.class);
  }
}
