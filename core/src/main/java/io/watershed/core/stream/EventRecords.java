package io.watershed.core.stream;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Header;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How events are stored in the global log ({@code $all}): one Kafka record per event, one batch per
 * append (so an append is atomic), so that Kafka consumers can read the events too.
 *
 * <table>
 *   <caption>An event as a record</caption>
 *   <tr><th>record part</th><th>content</th></tr>
 *   <tr><td>offset</td><td>the event's {@code $all} position</td></tr>
 *   <tr><td>timestamp (CreateTime)</td><td>when it was appended, ms since the epoch</td></tr>
 *   <tr><td>key</td><td>stream name, UTF-8</td></tr>
 *   <tr><td>value</td><td>event data (empty data is an empty value, never null)</td></tr>
 *   <tr><td>header {@code es.rev}</td><td>revision in the stream, 8 bytes big-endian;
 *       {@link #TOMBSTONE_REVISION} for a tombstone</td></tr>
 *   <tr><td>header {@code es.id}</td><td>event id, 16 bytes: most then least significant
 *       bits, big-endian</td></tr>
 *   <tr><td>header {@code es.type}</td><td>event type, UTF-8</td></tr>
 *   <tr><td>header {@code es.ct}</td><td>content type, UTF-8</td></tr>
 *   <tr><td>header {@code es.md}</td><td>the client's metadata bytes (absent when empty)</td></tr>
 * </table>
 *
 * Headers come in this order; a reader finds them by name.
 */
final class EventRecords {
  static final String REVISION = "es.rev";
  static final String ID = "es.id";
  static final String TYPE = "es.type";
  static final String CONTENT_TYPE = "es.ct";
  static final String METADATA = "es.md";

  /** The revision written for a tombstone (EventStoreDB's "deleted stream" event number). */
  static final long TOMBSTONE_REVISION = Long.MAX_VALUE;

  /** The event type of a tombstone record. */
  static final String TOMBSTONE_TYPE = "$streamDeleted";

  /** The event type of a stream-metadata event in {@code $$<stream>}. */
  static final String METADATA_TYPE = "$metadata";

  private static final byte[] EMPTY = new byte[0];

  private EventRecords() {}

  /** One batch holding {@code events} for {@code stream}, the first at {@code firstRevision}. */
  static ByteBuffer batch(
      String stream, long firstRevision, List<ProposedEvent> events, long createdMillis) {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
    byte[] key = stream.getBytes(StandardCharsets.UTF_8);
    long revision = firstRevision;
    for (ProposedEvent e : events) {
      b.append(createdMillis, key, e.data(), headers(revision, e));
      revision++;
    }
    return b.build();
  }

  /** The batch of a tombstone of {@code stream}. */
  static ByteBuffer tombstone(String stream, long createdMillis) {
    ProposedEvent marker =
        new ProposedEvent(UUID.randomUUID(), TOMBSTONE_TYPE, "application/json", EMPTY, EMPTY);
    return batch(stream, TOMBSTONE_REVISION, List.of(marker), createdMillis);
  }

  private static List<Header> headers(long revision, ProposedEvent e) {
    List<Header> h = new ArrayList<>(5);
    h.add(new Header(REVISION, ByteBuffer.allocate(8).putLong(revision).array()));
    h.add(
        new Header(
            ID,
            ByteBuffer.allocate(16)
                .putLong(e.id().getMostSignificantBits())
                .putLong(e.id().getLeastSignificantBits())
                .array()));
    h.add(new Header(TYPE, e.type().getBytes(StandardCharsets.UTF_8)));
    h.add(new Header(CONTENT_TYPE, e.contentType().getBytes(StandardCharsets.UTF_8)));
    if (e.metadata().length > 0) {
      h.add(new Header(METADATA, e.metadata()));
    }
    return h;
  }

  /**
   * The event a record holds, or null when the record is not an event (written to the log by
   * another door, say).
   */
  static RecordedEvent event(Record r) {
    if (r.key() == null) {
      return null;
    }
    byte[] revision = null;
    byte[] id = null;
    String type = null;
    String contentType = "";
    byte[] metadata = EMPTY;
    for (Header h : r.headers()) {
      switch (h.key()) {
        case REVISION -> revision = h.value();
        case ID -> id = h.value();
        case TYPE -> type = utf8(h.value());
        case CONTENT_TYPE -> contentType = utf8(h.value());
        case METADATA -> metadata = h.value() == null ? EMPTY : h.value();
        default -> {}
      }
    }
    if (revision == null || revision.length != 8 || id == null || id.length != 16 || type == null) {
      return null;
    }
    ByteBuffer idb = ByteBuffer.wrap(id);
    byte[] data = r.value() == null ? EMPTY : r.valueBytes();
    return new RecordedEvent(
        RecordLayout.utf8(r.key()),
        ByteBuffer.wrap(revision).getLong(),
        r.offset(),
        new UUID(idb.getLong(), idb.getLong()),
        type,
        contentType,
        data,
        metadata,
        r.timestamp());
  }

  private static String utf8(byte[] b) {
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }
}
