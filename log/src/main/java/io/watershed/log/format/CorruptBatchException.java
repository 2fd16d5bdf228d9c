package io.watershed.log.format;

import io.watershed.log.LogException;

/** A batch whose bytes break the format: bad magic, length, CRC, record count or offsets. */
public class CorruptBatchException extends LogException {
  private static final long serialVersionUID = 1L;

  public CorruptBatchException(String message) {
    super(message);
  }

  public CorruptBatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
