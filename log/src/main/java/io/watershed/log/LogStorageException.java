package io.watershed.log;

/**
 * A write or fsync failed (disk full, I/O error). The partition refuses every later write until it
 * is reopened: retrying in place could reorder or duplicate data after a partial write.
 */
public final class LogStorageException extends LogException {
  private static final long serialVersionUID = 1L;

  public LogStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
