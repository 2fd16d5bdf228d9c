package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.Header;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A compressed batch is decompressed to be validated; what it claims must not be able to exhaust
 * the heap: a tiny snappy batch whose chunk header claims hundreds of MiB, or a batch of any codec
 * that inflates beyond {@link RecordLayout#MAX_RECORDS_SECTION_BYTES}, is refused as corrupt.
 */
class DecompressionLimitsTest {
  private static final long NOW = 1_700_000_000_000L;

  /** A batch whose records section is {@code section}, under {@code codec}, with a valid CRC. */
  private static ByteBuffer withSection(CompressionType codec, byte[] section) {
    ByteBuffer b = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE + section.length);
    b.putLong(0L)
        .putInt(b.capacity() - RecordBatchLayout.LOG_OVERHEAD)
        .putInt(0)
        .put(RecordBatchLayout.CURRENT_MAGIC)
        .putInt(0)
        .putShort((short) codec.id())
        .putInt(0)
        .putLong(NOW)
        .putLong(NOW)
        .putLong(-1L)
        .putShort((short) -1)
        .putInt(-1)
        .putInt(1)
        .put(section)
        .flip();
    RecordBatchLayout.writeCrc(b, 0);
    return b;
  }

  @Test
  void aSnappyChunkClaimingMoreThanItHoldsIsRefusedWithoutAllocatingIt() {
    ByteBuffer section = ByteBuffer.allocate(16 + 4 + 8);
    section.put(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}).putInt(1).putInt(1);
    section.putInt(0x1fffffff).putLong(0x0102030405060708L);
    ByteBuffer batch = withSection(CompressionType.SNAPPY, section.array());
    assertThatThrownBy(
            () -> BatchValidator.validate(batch, LogConfig.DEFAULTS, AppendOptions.DURABLE, NOW))
        .isInstanceOf(CorruptBatchException.class)
        .hasMessageContaining("snappy chunk");
  }

  @Test
  void aSnappyBlockClaimingAHugeLengthIsRefused() {
    // One raw block (no framing) whose varint header says 0x1fffffff bytes.
    byte[] section = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x00, 0x00};
    ByteBuffer batch = withSection(CompressionType.SNAPPY, section);
    assertThatThrownBy(
            () -> BatchValidator.validate(batch, LogConfig.DEFAULTS, AppendOptions.DURABLE, NOW))
        .isInstanceOf(CorruptBatchException.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionType.class,
      names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
  void aBatchInflatingBeyondTheLimitIsRefused(CompressionType codec) {
    RecordBatchBuilder b = RecordBatchBuilder.create(codec);
    byte[] zeros = new byte[1 << 20];
    for (int i = 0; i < RecordLayout.MAX_RECORDS_SECTION_BYTES / zeros.length + 1; i++) {
      b.append(NOW, null, ByteBuffer.wrap(zeros), List.<Header>of());
    }
    ByteBuffer batch = b.build();
    assertThat(batch.remaining()).isLessThan(RecordLayout.MAX_RECORDS_SECTION_BYTES / 8);
    assertThatThrownBy(
            () ->
                BatchValidator.validate(
                    batch,
                    LogConfig.DEFAULTS.with(java.util.Map.of("max.message.bytes", "100000000")),
                    AppendOptions.DURABLE,
                    NOW))
        .isInstanceOf(CorruptBatchException.class)
        .hasMessageContaining("more than");
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void ordinaryBatchesOfEveryCodecStillValidate(CompressionType codec) {
    ByteBuffer batch =
        RecordBatchBuilder.create(codec)
            .append(NOW, null, ByteBuffer.wrap("a value".getBytes()), List.<Header>of())
            .append(NOW, null, ByteBuffer.wrap(new byte[100_000]), List.<Header>of())
            .build();
    assertThat(
            BatchValidator.validate(batch, LogConfig.DEFAULTS, AppendOptions.DURABLE, NOW)
                .totalRecords)
        .isEqualTo(2);
  }
}
