package io.watershed.kinesis.catalog;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An enhanced fan-out consumer registered on a stream. Immutable.
 *
 * @param name the consumer name, unique in its stream
 * @param createdMillis registration time, epoch milliseconds; its seconds end the consumer ARN
 * @param tags the consumer's tags (TagResource on its ARN)
 */
public record ConsumerEntry(String name, long createdMillis, SortedMap<String, String> tags) {
  public ConsumerEntry {
    Objects.requireNonNull(name, "name");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }

  public ConsumerEntry withTags(SortedMap<String, String> newTags) {
    return new ConsumerEntry(name, createdMillis, newTags);
  }
}
