package io.watershed.core.stream;

/** The stream was tombstoned (hard-deleted): it can never be read or written again. */
public final class StreamDeletedException extends EventStoreException {
  private static final long serialVersionUID = 1L;
  private final String stream;

  public StreamDeletedException(String stream) {
    super("stream " + stream + " is deleted");
    this.stream = stream;
  }

  public String stream() {
    return stream;
  }
}
