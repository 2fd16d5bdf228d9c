package io.watershed.core.subscription;

/** Positions {@code [start, end)}. */
public record PositionRange(long start, long end) {
  public PositionRange {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("not a position range: [" + start + ", " + end + ")");
    }
  }
}
