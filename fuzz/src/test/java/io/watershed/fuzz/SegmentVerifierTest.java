package io.watershed.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored-batch oracle finds what it must: a flipped bit, a torn tail, a bad magic. */
class SegmentVerifierTest {
  @TempDir Path data;

  private Path segment() throws Exception {
    Path dir = data.resolve("log/partitions/orders-0");
    Files.createDirectories(dir);
    return dir.resolve("00000000000000000000.log");
  }

  private static byte[] batches(int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = 0; b < count; b++) {
      RecordBatchBuilder builder =
          RecordBatchBuilder.create(CompressionType.NONE).baseOffset(b * 3L);
      for (int r = 0; r < 3; r++) {
        builder.append(
            1000L + r, null, ("value " + b + "/" + r).getBytes(StandardCharsets.UTF_8), List.of());
      }
      ByteBuffer batch = builder.build();
      byte[] bytes = new byte[batch.remaining()];
      batch.get(bytes);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void intactBatchesAndAZeroFilledTailVerify() throws Exception {
    byte[] file = batches(4);
    Files.write(segment(), java.util.Arrays.copyOf(file, file.length + 4096));
    SegmentVerifier.Report r = SegmentVerifier.verify(data);
    assertThat(r.problems()).isEmpty();
    assertThat(r.batches()).isEqualTo(4);
    assertThat(r.records()).isEqualTo(12);
  }

  @Test
  void aFlippedBitInARecordIsACrcMismatch() throws Exception {
    byte[] file = batches(4);
    file[file.length - 5] ^= 0x10;
    Files.write(segment(), file);
    assertThat(SegmentVerifier.verify(data).problems())
        .singleElement()
        .asString()
        .contains("orders-0/00000000000000000000.log", "CRC32C mismatch");
  }

  @Test
  void aTornTailAndABadMagicAreReported() throws Exception {
    byte[] file = batches(2);
    file[16] = 1;
    Files.write(segment(), java.util.Arrays.copyOf(file, file.length - 7));
    assertThat(SegmentVerifier.verify(data).problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("magic 1"))
        .anySatisfy(p -> assertThat(p).contains("impossible"));
  }
}
