package io.watershed.fuzz.engine;

/** How a connection ended. */
public enum Outcome {
  /** The server sent something and then closed (or reset) the connection. */
  ANSWERED,
  /** The server closed without sending a byte (how doors refuse garbage). */
  CLOSED_SILENTLY,
  /** The connection was reset before anything came back. */
  RESET,
  /**
   * Neither answered nor closed: after the harness had sent everything and half-closed, the server
   * kept the connection open past the hang bound.
   */
  HANG,
  /** The connection could not be opened: the server is down or not accepting. */
  CONNECT_FAILED
}
