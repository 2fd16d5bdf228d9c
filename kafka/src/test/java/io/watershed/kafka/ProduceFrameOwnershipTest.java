package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a Produce and goes away before the answer (a crash, a time-out, a fuzzer)
 * must not let the broker write bytes other than those it validated: the request's frame is pooled
 * memory, and if it went back to the pool with the connection while the append still waited for the
 * writer, the next connection's bytes would be written (and acknowledged as that append) in its
 * place. Each Produce here goes to a partition not opened yet, whose first append waits for the
 * partition to load, and every other connection sends frames of the same size right after it.
 * Afterwards every stored batch must verify and hold exactly the records sent.
 */
class ProduceFrameOwnershipTest {
  @TempDir Path dir;

  private static final int PARTITIONS = 60;

  private static MemoryRecords records(int partition, char fill) {
    SimpleRecord[] rs = new SimpleRecord[8];
    for (int i = 0; i < rs.length; i++) {
      byte[] value = new byte[200];
      Arrays.fill(value, (byte) fill);
      byte[] label = ("p" + partition + "-" + i + ":").getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(label, 0, value, 0, label.length);
      rs[i] = new SimpleRecord(value);
    }
    return MemoryRecords.withRecords(Compression.NONE, rs);
  }

  @Test
  void aProduceWhoseClientLeftStoresTheBytesItSentAndNothingElse() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create("owned", PARTITIONS, Map.of()).join();
      server.topics().create("noise", 1, Map.of()).join();
      int port = server.door().port();
      for (int p = 0; p < PARTITIONS; p++) {
        try (RawKafkaConnection leaver = new RawKafkaConnection(port)) {
          leaver.write(ProducerSequenceTest.request("owned", p, records(p, 'a'), (short) -1));
        } // closed at once, before any answer
        for (int n = 0; n < 4; n++) {
          try (RawKafkaConnection other = new RawKafkaConnection(port)) {
            RequestHeader h =
                other.write(ProducerSequenceTest.request("noise", 0, records(p, 'z'), (short) 1));
            other.read(h, org.apache.kafka.common.requests.ProduceResponse.class);
          }
        }
      }
      // Let the appends of the clients that left finish.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && !allWritten(server.topics())) {
        Thread.sleep(20);
      }
    }
    try (TopicStore topics = TopicStore.open(dir, LogManagerConfig.defaults(dir))) {
      for (int p = 0; p < PARTITIONS; p++) {
        PartitionLog log = topics.partition("owned", p).orElseThrow();
        assertThat(log.verify()).as("partition %d damage", p).isEmpty();
        // Written although its client left (as Kafka does), from the bytes it sent.
        assertThat(log.logEndOffset()).as("partition %d end", p).isEqualTo(8);
        try (LogSlice slice = log.read(0, 1 << 20)) {
          ByteBuffer batch = slice.readWholeBatches();
          assertThat(RecordBatchLayout.computeCrc(batch, 0, batch.remaining()))
              .isEqualTo(RecordBatchLayout.storedCrc(batch, 0));
          int i = 0;
          for (Record r : RecordLayout.readRecords(batch, 0)) {
            byte[] v = new byte[r.value().remaining()];
            r.value().duplicate().get(v);
            assertThat(new String(v, StandardCharsets.US_ASCII))
                .startsWith("p" + p + "-" + i + ":")
                .endsWith("a");
            i++;
          }
        }
      }
    }
  }

  private static boolean allWritten(TopicStore topics) {
    for (int p = 0; p < PARTITIONS; p++) {
      if (topics.partition("owned", p).orElseThrow().logEndOffset() == 0) {
        return false;
      }
    }
    return true;
  }
}
