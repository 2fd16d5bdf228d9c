package io.watershed.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The Kinesis door under 20,000 inputs made from the AWS SDK v2's requests (sync client in CBOR and
 * JSON over HTTP/1.1, async client over h2c), mutated in bodies, headers, request lines, chunked
 * framing, bytes and HTTP/2 frames; the second phase sends PutRecord(s) only and ends with kill -9.
 */
class KinesisFuzzTest {
  @Test
  void twentyThousandMutatedRequestsLeaveTheServerUpItsLogCleanAndEveryAcknowledgedWriteReadable()
      throws Exception {
    DoorFuzzing.assertHeld(DoorFuzzing.run(Door.KINESIS));
  }
}
