package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Produce requests that parse but whose records no producer would send: each partition gets
 * INVALID_RECORD with a message saying what is wrong, nothing is stored, the other partitions of
 * the request are served, and nothing reaches the log with a stack trace.
 */
class ProduceEdgeCasesTest {
  /** Where a v2 batch keeps its attributes and its CRC-32C (which covers attributes onwards). */
  private static final int CRC_OFFSET = 17;

  private static final int ATTRIBUTES_OFFSET = 21;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {5, 6, 7})
  void aBatchNamingNoKnownCodecIsAnInvalidRecord(int codec) throws Exception {
    MemoryRecords records =
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
    ByteBuffer batch = records.buffer();
    short attributes = batch.getShort(ATTRIBUTES_OFFSET);
    batch.putShort(ATTRIBUTES_OFFSET, (short) ((attributes & ~0x07) | codec));
    // A valid CRC: the client meant these bits, they were not damaged on the way.
    CRC32C crc = new CRC32C();
    crc.update(batch.duplicate().position(ATTRIBUTES_OFFSET));
    batch.putInt(CRC_OFFSET, (int) crc.getValue());

    PartitionProduceResponse answer = produceToPartitionZero(records);

    assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.INVALID_RECORD);
    assertThat(answer.errorMessage()).contains("compression", String.valueOf(codec));
  }

  @Test
  void aNullRecordsFieldIsAnInvalidRecord() throws Exception {
    PartitionProduceResponse answer = produceToPartitionZero(null);

    assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.INVALID_RECORD);
    assertThat(answer.errorMessage()).contains("records field is null");
  }

  @Test
  void aBatchLengthThatOverflowsIsACorruptMessage() throws Exception {
    MemoryRecords records =
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
    // batchLength is not covered by the CRC: near Integer.MAX_VALUE, position + length overflows.
    byte[] batch = new byte[records.sizeInBytes()];
    records.buffer().duplicate().get(batch);
    try (KafkaTestServer server = new KafkaTestServer(dir);
        LogCapture errorsLog = LogCapture.of(KafkaErrors.class);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create("edge", 1, Map.of()).join();
      ProduceRequest request = ProducerSequenceTest.request("edge", 0, records, (short) -1);
      RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, request.version(), "raw", 77);
      ByteBuffer frame = request.serializeWithHeader(header);
      byte[] bytes = new byte[frame.remaining()];
      frame.get(bytes);
      int at = indexOf(bytes, batch);
      ByteBuffer.wrap(bytes).putInt(at + 8, Integer.MAX_VALUE);
      raw.writeFrame(bytes);
      ProduceResponse response = raw.read(header, ProduceResponse.class);
      PartitionProduceResponse answer =
          response.data().responses().iterator().next().partitionResponses().getFirst();
      assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
      assertThat(server.topics().partition("edge", 0).orElseThrow().logEndOffset()).isZero();
      assertThat(errorsLog.events()).isEmpty();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("batch not found in the frame");
  }

  /**
   * Sends {@code records} to partition 0 of a two-partition topic, and a good batch to partition 1;
   * checks that partition 1 was served and partition 0 stored nothing; returns partition 0's
   * answer.
   */
  private PartitionProduceResponse produceToPartitionZero(MemoryRecords records) throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        LogCapture errorsLog = LogCapture.of(KafkaErrors.class);
        LogCapture connectionLog = LogCapture.of(KafkaConnection.class);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create("edge", 2, Map.of()).join();
      TopicProduceDataCollection topics = new TopicProduceDataCollection();
      topics.add(
          new TopicProduceData()
              .setName("edge")
              .setPartitionData(
                  List.of(
                      new PartitionProduceData().setIndex(0).setRecords(records),
                      new PartitionProduceData()
                          .setIndex(1)
                          .setRecords(
                              MemoryRecords.withRecords(
                                  Compression.NONE, new SimpleRecord("ok".getBytes()))))));
      ProduceResponse response =
          raw.send(
              new ProduceRequest.Builder(
                      (short) 12,
                      (short) 12,
                      new ProduceRequestData()
                          .setAcks((short) -1)
                          .setTimeoutMs(10_000)
                          .setTopicData(topics))
                  .build((short) 12),
              ProduceResponse.class);
      List<PartitionProduceResponse> partitions =
          response.data().responses().iterator().next().partitionResponses();
      assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(server.topics().partition("edge", 0).orElseThrow().logEndOffset()).isZero();
      assertThat(server.topics().partition("edge", 1).orElseThrow().logEndOffset()).isOne();
      assertThat(errorsLog.events()).isEmpty();
      assertThat(connectionLog.withStackTraces()).isEmpty();
      return partitions.get(0);
    }
  }
}
