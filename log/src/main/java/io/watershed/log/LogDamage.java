package io.watershed.log;

/**
 * A range of a segment file that failed verification: its bytes are not a valid batch (a CRC that
 * does not match, a length that runs off, bad magic, offsets going backwards) and the batches on
 * either side are intact. Found when a segment is verified; never served, never silently dropped.
 *
 * @param segment the records file's name ({@code <20-digit base offset>.log})
 * @param position where the damaged bytes start in that file
 * @param length how many bytes are damaged
 * @param firstOffset the first offset the damaged bytes held (one past the last intact batch before
 *     them)
 * @param endOffset one past the last offset they held (the next intact batch's base offset, or what
 *     the segment's index files or the next segment say), or -1 when nothing tells
 * @param problem what the verification found, for operators
 */
public record LogDamage(
    String segment, int position, int length, long firstOffset, long endOffset, String problem) {

  /** Whether the damaged range's end offset is known. */
  public boolean endKnown() {
    return endOffset >= 0;
  }

  /**
   * Whether {@code offset} lies in the damaged range (from its first offset on, when the end is
   * unknown).
   */
  public boolean covers(long offset) {
    return offset >= firstOffset && (endOffset < 0 || offset < endOffset);
  }

  LogDamage withEndOffset(long end) {
    return new LogDamage(segment, position, length, firstOffset, end, problem);
  }

  /** The error a read of this range gets. */
  LogDamagedException readError(String partition) {
    return new LogDamagedException(
        partition
            + ": offsets "
            + firstOffset
            + (endOffset < 0 ? " onwards" : " to " + (endOffset - 1))
            + " are damaged on disk ("
            + segment
            + " at byte "
            + position
            + ", "
            + length
            + " bytes: "
            + problem
            + "); they are not served until an operator skips them (watershed topics repair)",
        firstOffset,
        endOffset);
  }
}
