package io.watershed.core.metadata;

import java.io.IOException;

/**
 * Metadata on disk is damaged in a way that recovery must not paper over: a gap in the command log,
 * damage in a sealed command-log file, or no snapshot and no log reaching back far enough to
 * rebuild the state. The message names the file and what was found; the store refuses to open
 * rather than serve state that lost acknowledged commands.
 *
 * <p>A torn or damaged tail of the newest command-log file is not reported this way: it is what a
 * crash leaves, and recovery truncates it.
 */
public final class CorruptMetadataException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the file and the damage. */
  public CorruptMetadataException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the error that revealed the damage. */
  public CorruptMetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
