package io.watershed.core.subscription;

/**
 * One piece of work a subscription has not finished: read from the source (or a parked entry being
 * replayed) and not yet acknowledged or parked. Exactly one of these states holds, and the
 * subscription keeps it in the matching structure:
 *
 * <table>
 *   <caption>States</caption>
 *   <tr><th>state</th><th>meaning</th><th>kept in</th></tr>
 *   <tr><td>AVAILABLE</td><td>waiting for a consumer</td><td>the available queue</td></tr>
 *   <tr><td>LEASED</td><td>handed to {@code holder}, until {@code dueMs} when there is an ack
 *       timeout</td><td>its holder's count, the deadlines</td></tr>
 *   <tr><td>DELAYED</td><td>negatively acknowledged, available again at {@code dueMs}</td>
 *       <td>the deadlines</td></tr>
 *   <tr><td>PARKING</td><td>being written to the park sink; done only once that write
 *       succeeded</td><td>nowhere else</td></tr>
 * </table>
 */
final class Work<E> {
  enum State {
    AVAILABLE,
    LEASED,
    DELAYED,
    PARKING
  }

  final long key;
  final Entry<E> entry;
  final int keyHash;
  int deliveries;
  State state = State.AVAILABLE;
  SubscriptionConsumer<E> holder;
  long dueMs;

  Work(long key, Entry<E> entry, int keyHash, int deliveries) {
    this.key = key;
    this.entry = entry;
    this.keyHash = keyHash;
    this.deliveries = deliveries;
  }

  /** Available work never handed out: what read-ahead counts. */
  boolean fresh() {
    return key >= 0 && deliveries == 0;
  }
}
