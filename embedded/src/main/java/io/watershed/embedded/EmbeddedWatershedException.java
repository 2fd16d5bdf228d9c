package io.watershed.embedded;

/** An embedded node did not start; the cause says why (e.g. the data directory is locked). */
public final class EmbeddedWatershedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddedWatershedException(String message, Throwable cause) {
    super(message, cause);
  }
}
