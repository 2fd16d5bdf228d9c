package io.watershed.log;

/**
 * How an append is acknowledged and which batches it may carry.
 *
 * @param durable complete the append only once it is durable under the log's {@link FlushPolicy}:
 *     fsynced under {@code durable}, written under {@code interval} and {@code os}. When false the
 *     append completes once written to the operating system.
 * @param allowControlBatches accept control batches (transaction markers written by a coordinator);
 *     client appends must not carry them
 */
public record AppendOptions(boolean durable, boolean allowControlBatches) {
  /**
   * Acknowledge when durable per the flush policy (Kafka {@code acks=all}, event-store appends).
   */
  public static final AppendOptions DURABLE = new AppendOptions(true, false);

  /** Acknowledge once written (Kafka {@code acks=1}). */
  public static final AppendOptions WRITTEN = new AppendOptions(false, false);
}
