package io.watershed.kafka;

/**
 * A handler's way to say that its request gets no response and its connection must be closed once
 * the responses to earlier requests are written: Kafka's answer to a Produce with {@code acks=0}
 * that failed, since closing is the only way to tell a client that expects no response that it
 * should refresh its metadata and retry.
 */
public final class CloseConnection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CloseConnection(String reason) {
    super(reason, null, false, false);
  }
}
