package io.watershed.core.stream;

import java.util.UUID;

/**
 * An event as stored: where it is (its stream and revision there, and its position in the global
 * order {@code $all}) and what the appender gave.
 *
 * @param stream the stream it belongs to
 * @param revision its 0-based number in that stream
 * @param position its position in {@code $all} (the offset in the global log); increases with every
 *     event, with gaps allowed
 * @param createdMillis when it was appended, milliseconds since the epoch
 */
public record RecordedEvent(
    String stream,
    long revision,
    long position,
    UUID id,
    String type,
    String contentType,
    byte[] data,
    byte[] metadata,
    long createdMillis) {}
