package io.watershed.core.stream;

/** An append whose events together exceed {@link EventStoreLimits#maxAppendBytes()}. */
public final class AppendTooLargeException extends EventStoreException {
  private static final long serialVersionUID = 1L;
  private final int maxAppendBytes;

  public AppendTooLargeException(int size, int maxAppendBytes) {
    super("append of " + size + " bytes exceeds the limit of " + maxAppendBytes);
    this.maxAppendBytes = maxAppendBytes;
  }

  public int maxAppendBytes() {
    return maxAppendBytes;
  }
}
