package io.watershed.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The Kafka door under 20,000 inputs made from the requests of kafka-clients (producers with every
 * codec, idempotent or not; consumers; the admin client): frames flipped, cut, spliced, resized and
 * reheadered, and Produce batches flipped (with and without a recomputed CRC), cut short with a
 * matching length, duplicated — alone or several pipelined on one connection, eight connections at
 * a time. The second phase sends Produce requests only and ends with kill -9. Every stored batch
 * must verify, every acknowledged record must read back as sent after the restart.
 */
class KafkaFuzzTest {
  @Test
  void mutatedProduceRequestsOnPipelinedConnectionsNeverStoreABadBatchNorLoseAnAcknowledgedRecord()
      throws Exception {
    DoorFuzzing.assertHeld(DoorFuzzing.run(Door.KAFKA));
  }
}
