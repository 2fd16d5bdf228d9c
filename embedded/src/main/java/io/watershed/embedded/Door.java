package io.watershed.embedded;

/** A front door an embedded node can leave out (the admin HTTP API is always there). */
public enum Door {
  KAFKA("kafka"),
  KINESIS("kinesis"),
  /** The KurrentDB / EventStoreDB gRPC door, with its stream index. */
  EVENT_STORE("eventstore");

  private final String listener;

  Door(String listener) {
    this.listener = listener;
  }

  /** The server's name for the door's listener and port ({@code kafka.port}). */
  public String listener() {
    return listener;
  }
}
