package io.watershed.log;

/**
 * A read reached a range of a partition that failed verification on disk (media damage, or a bug
 * that let a bad batch be written). The range is fenced, never served and never silently dropped:
 * reads below it and above it go on, reads in it fail with this until an operator repairs the
 * partition on purpose ({@link PartitionLog#skipDamage}). Doors answer it with their protocol's
 * corruption error (Kafka {@code CORRUPT_MESSAGE}).
 */
public final class LogDamagedException extends LogException {
  private static final long serialVersionUID = 1L;

  private final long firstOffset;
  private final long endOffset;

  /**
   * @param firstOffset the first offset of the damaged range
   * @param endOffset one past its last offset, or -1 when its end is not known
   */
  public LogDamagedException(String message, long firstOffset, long endOffset) {
    super(message);
    this.firstOffset = firstOffset;
    this.endOffset = endOffset;
  }

  public long firstOffset() {
    return firstOffset;
  }

  /**
   * One past the last damaged offset, or -1 when the damage runs to a log end that is not known.
   */
  public long endOffset() {
    return endOffset;
  }
}
