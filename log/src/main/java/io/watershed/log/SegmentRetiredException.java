package io.watershed.log;

import java.nio.file.Path;

/**
 * The segment was deleted or replaced by compaction between finding it and opening it; the caller
 * looks the offset up again.
 */
final class SegmentRetiredException extends LogException {
  private static final long serialVersionUID = 1L;

  SegmentRetiredException(Path path) {
    super("segment retired: " + path);
  }
}
