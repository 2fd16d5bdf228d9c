package io.watershed.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The admin HTTP API under 20,000 inputs made from the requests of {@code bin/watershed} and the
 * console, mutated in JSON bodies, headers, request lines, query values, chunked framing and bytes;
 * the second phase sends produces and appends only and ends with kill -9.
 */
class AdminHttpFuzzTest {
  @Test
  void twentyThousandMutatedRequestsLeaveTheServerUpItsLogCleanAndEveryAcknowledgedWriteReadable()
      throws Exception {
    DoorFuzzing.assertHeld(DoorFuzzing.run(Door.ADMIN));
  }
}
