package io.watershed.core.metrics;

/**
 * Told about every request a front door has answered, so that the server can count them and time
 * them without the doors knowing how metrics are kept. Called on the door's threads once per
 * request: implementations must be thread-safe, return quickly, never block and not allocate per
 * call.
 */
@FunctionalInterface
public interface RequestObserver {
  /** Observes nothing. */
  RequestObserver NONE = (api, nanos, failed) -> {};

  /**
   * One request answered.
   *
   * @param api the door's name of the request (a Kafka API key name such as {@code Produce}, a gRPC
   *     method such as {@code event_store.client.streams.Streams/Append}); a constant string
   * @param nanos from when the request was decoded to when its answer was handed to the network
   * @param failed whether it was answered with an error
   */
  void completed(String api, long nanos, boolean failed);

  /**
   * A client sent something that is not the door's protocol (a bad connection preface, TLS to a
   * plaintext port, a frame or request that cannot be decoded), so the door refused it without
   * serving a request and, usually, closed the connection. Same rules as {@link #completed}.
   */
  default void protocolError() {}
}
