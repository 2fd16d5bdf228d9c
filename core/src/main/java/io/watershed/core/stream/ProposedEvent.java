package io.watershed.core.stream;

import java.util.Objects;
import java.util.UUID;

/**
 * An event a client asks to append, kept exactly as given.
 *
 * @param id the client's event id; a retried append with the same ids is recognised
 * @param type the event type (not empty)
 * @param contentType e.g. {@code application/json} or {@code application/octet-stream}
 * @param data the payload
 * @param metadata the client's own metadata bytes (ESDB "custom metadata"); may be empty
 */
public record ProposedEvent(
    UUID id, String type, String contentType, byte[] data, byte[] metadata) {
  public ProposedEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(metadata, "metadata");
  }

  /** Bytes this event takes against the append size limit (data, metadata, type). */
  public int size() {
    return data.length + metadata.length + type.length() + contentType.length();
  }
}
