package io.watershed.core.stream;

import java.nio.charset.StandardCharsets;

/**
 * Which stream names the event store takes: not empty, no longer than the limit, no NUL; and, for
 * writes, not a stream the store maintains itself (the projections). Stateless and thread-safe.
 */
final class StreamNames {
  private StreamNames() {}

  /** Checks a name a client may write to. */
  static void checkWritable(String stream, EventStoreLimits limits) {
    check(stream, limits);
    if (Projections.isProjection(stream)) {
      throw new InvalidEventException("stream " + stream + " is maintained by a projection");
    }
  }

  /** Checks a name a client may read. */
  static void check(String stream, EventStoreLimits limits) {
    if (stream == null || stream.isEmpty()) {
      throw new InvalidEventException("the stream name is empty");
    }
    if (stream.getBytes(StandardCharsets.UTF_8).length > limits.maxStreamNameBytes()) {
      throw new InvalidEventException(
          "the stream name is longer than " + limits.maxStreamNameBytes() + " bytes");
    }
    if (stream.indexOf('\0') >= 0) {
      throw new InvalidEventException("the stream name contains a NUL character");
    }
  }
}
