package io.watershed.core.stream;

import java.util.List;

/** What reading a stream found. */
public sealed interface StreamReadResult {
  /** The stream was never written, or it was deleted (soft) and not written since. */
  record NotFound(String stream) implements StreamReadResult {}

  /**
   * The events read, in the direction asked (possibly none, when the range is past the end).
   *
   * @param lastRevision the stream's last revision now
   */
  record Events(List<ResolvedEvent> events, long lastRevision) implements StreamReadResult {}
}
