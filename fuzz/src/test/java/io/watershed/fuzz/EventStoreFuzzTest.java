package io.watershed.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The event-store door under 20,000 inputs made from the KurrentDB client's gRPC streams (appends,
 * reads, subscriptions, deletes, metadata, persistent subscriptions), mutated in gRPC messages,
 * headers, HTTP/2 frames and bytes; the second phase sends appends only and ends with kill -9.
 */
class EventStoreFuzzTest {
  @Test
  void twentyThousandMutatedRequestsLeaveTheServerUpItsLogCleanAndEveryAcknowledgedWriteReadable()
      throws Exception {
    DoorFuzzing.assertHeld(DoorFuzzing.run(Door.EVENTSTORE));
  }
}
