package io.watershed.core.stream;

import java.util.List;

/**
 * A persistent subscription group as an operator sees it.
 *
 * @param stream the source stream, or {@code $all}
 * @param status {@code Live} or {@code CatchingUp}
 * @param lastCheckpointedPosition the checkpoint last written (-1: none yet)
 * @param lastKnownPosition the last revision or position read from the source (-1: none)
 * @param totalItems events delivered since the server started
 * @param parkedCount events parked and not replayed
 * @param readBufferCount events read and waiting for a connection with room
 * @param retryBufferCount events waiting to be retried
 * @param inFlightCount events delivered and not yet acknowledged
 */
public record PersistentSubscriptionInfo(
    String stream,
    String group,
    String status,
    PersistentSubscriptionSettings settings,
    List<ConnectionInfo> connections,
    long lastCheckpointedPosition,
    long lastKnownPosition,
    long totalItems,
    long parkedCount,
    int readBufferCount,
    int retryBufferCount,
    int inFlightCount) {

  /**
   * One connection of the group.
   *
   * @param inFlight events delivered to it and not acknowledged
   * @param availableSlots how many more it may be given now
   */
  public record ConnectionInfo(
      String name, String from, int inFlight, int availableSlots, long delivered) {}
}
