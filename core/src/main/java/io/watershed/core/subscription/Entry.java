package io.watershed.core.subscription;

/**
 * One piece of work a source offers: its position, what the adapter delivers, and its size.
 *
 * @param position where it is in the source; positions are ≥ 0 and increase, with gaps allowed
 * @param value what is delivered (an event, a record); the engine never looks inside
 * @param sizeBytes its size, for the window's byte limit
 */
public record Entry<E>(long position, E value, long sizeBytes) {
  public Entry {
    if (position < 0) {
      throw new IllegalArgumentException("a position is not negative: " + position);
    }
  }
}
