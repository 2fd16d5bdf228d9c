package io.watershed.eventstore;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.watershed.core.stream.EventFilter;
import io.watershed.core.stream.ExpectedRevision;
import io.watershed.core.stream.ProposedEvent;
import io.watershed.core.stream.RecordedEvent;
import io.watershed.core.stream.ResolvedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Conversions between the KurrentDB gRPC messages and the event store's model.
 *
 * <p>Event data and metadata are sent without a copy ({@code UnsafeByteOperations}): the arrays of
 * a recorded event are never changed once read.
 *
 * <p>Positions: an event's {@code $all} position is its offset in the global log, sent as both the
 * commit and the prepare position (KurrentDB's two are equal for every event not written in an
 * explicit transaction). Revisions and positions are unsigned on the wire; the store's are
 * non-negative longs.
 *
 * <table>
 *   <caption>System metadata of a recorded event, as the clients parse it</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code type}</td><td>the event type</td></tr>
 *   <tr><td>{@code content-type}</td><td>{@code application/json}, {@code
 *       application/octet-stream} …, as appended</td></tr>
 *   <tr><td>{@code created}</td><td>decimal 100 ns ticks since the Unix epoch (.NET ticks)</td></tr>
 * </table>
 */
final class Wire {
  static final String TYPE = "type";
  static final String CONTENT_TYPE = "content-type";
  static final String CREATED = "created";

  /** .NET ticks (100 ns) per millisecond. */
  private static final long TICKS_PER_MILLI = 10_000;

  private Wire() {}

  /** The stream name an identifier carries (UTF-8 bytes on the wire). */
  static String streamName(Shared.StreamIdentifier id) {
    return id.getStreamName().toStringUtf8();
  }

  static Shared.StreamIdentifier streamIdentifier(String stream) {
    return Shared.StreamIdentifier.newBuilder()
        .setStreamName(ByteString.copyFrom(stream, StandardCharsets.UTF_8))
        .build();
  }

  /**
   * The UUID a message carries, in either of its two forms.
   *
   * @throws IllegalArgumentException when it is missing or not a UUID
   */
  static UUID uuid(Shared.UUID id) {
    return switch (id.getValueCase()) {
      case STRUCTURED ->
          new UUID(
              id.getStructured().getMostSignificantBits(),
              id.getStructured().getLeastSignificantBits());
      case STRING -> UUID.fromString(id.getString());
      case VALUE_NOT_SET -> throw new IllegalArgumentException("the event id is missing");
    };
  }

  /** A UUID in the form the client asked for ({@code uuid_option}). */
  static Shared.UUID uuid(UUID id, boolean asString) {
    Shared.UUID.Builder b = Shared.UUID.newBuilder();
    if (asString) {
      return b.setString(id.toString()).build();
    }
    return b.setStructured(
            Shared.UUID
                .Structured
                .newBuilder()
                .setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits()))
        .build();
  }

  /**
   * An event as a client proposes it: id, the {@code type} and {@code content-type} of its system
   * metadata, data and custom metadata.
   *
   * @throws IllegalArgumentException when the id is missing or malformed or the type is missing
   */
  static ProposedEvent proposedEvent(
      Shared.UUID id, Map<String, String> metadata, ByteString customMetadata, ByteString data) {
    String type = metadata.get(TYPE);
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("an event has no type");
    }
    String contentType = metadata.getOrDefault(CONTENT_TYPE, "application/octet-stream");
    return new ProposedEvent(
        uuid(id), type, contentType, data.toByteArray(), customMetadata.toByteArray());
  }

  /** The system metadata sent with a recorded event. */
  static Map<String, String> systemMetadata(RecordedEvent e) {
    return Map.of(
        TYPE,
        e.type(),
        CONTENT_TYPE,
        e.contentType(),
        CREATED,
        Long.toString(e.createdMillis() * TICKS_PER_MILLI));
  }

  /** A revision or position from the wire (uint64), saturated into the store's signed range. */
  static long unsigned(long wire) {
    return wire < 0 ? Long.MAX_VALUE : wire;
  }

  /** An expected revision from the four cases every write request carries. */
  static ExpectedRevision expected(Case c, long revision) {
    return switch (c) {
      case ANY, NOT_SET -> ExpectedRevision.ANY;
      case NO_STREAM -> ExpectedRevision.NO_STREAM;
      case STREAM_EXISTS -> ExpectedRevision.STREAM_EXISTS;
      case REVISION -> ExpectedRevision.exact(unsigned(revision));
    };
  }

  /**
   * The expected-revision cases common to the write requests' oneofs ({@code
   * expected_stream_revision} of Append, Delete and Tombstone; {@code expected_stream_position} of
   * BatchAppend), whose generated enums share these constant names.
   */
  enum Case {
    REVISION,
    NO_STREAM,
    ANY,
    STREAM_EXISTS,
    NOT_SET;

    /** The case of a generated oneof enum, by its constant's name. */
    static Case of(Enum<?> generated) {
      return switch (generated.name()) {
        case "REVISION", "STREAM_POSITION" -> REVISION;
        case "NO_STREAM" -> NO_STREAM;
        case "ANY" -> ANY;
        case "STREAM_EXISTS" -> STREAM_EXISTS;
        default -> NOT_SET;
      };
    }
  }

  /**
   * The raw form of an expected revision the older trailers and clients use: the revision, or -1 no
   * stream, -2 any, -4 stream exists.
   */
  static long rawExpected(ExpectedRevision e) {
    return switch (e) {
      case ExpectedRevision.Any a -> -2;
      case ExpectedRevision.NoStream n -> -1;
      case ExpectedRevision.StreamExists s -> -4;
      case ExpectedRevision.Exact x -> x.revision();
    };
  }

  /** A filter from its two wire parts; null when neither prefixes nor a regex are given. */
  static EventFilter filter(boolean onStreamName, String regex, List<String> prefixes) {
    if ((regex == null || regex.isEmpty()) && prefixes.isEmpty()) {
      return null;
    }
    return new EventFilter(onStreamName, prefixes, regex);
  }

  static Timestamp now() {
    long ms = System.currentTimeMillis();
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(ms, 1000))
        .setNanos(Math.floorMod(ms, 1000) * 1_000_000)
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Events for Streams/Read (catch-up reads and subscriptions)

  static ReadResp.ReadEvent.RecordedEvent streamsEvent(RecordedEvent e, boolean uuidAsString) {
    return ReadResp.ReadEvent.RecordedEvent.newBuilder()
        .setId(uuid(e.id(), uuidAsString))
        .setStreamIdentifier(streamIdentifier(e.stream()))
        .setStreamRevision(e.revision())
        .setPreparePosition(e.position())
        .setCommitPosition(e.position())
        .putAllMetadata(systemMetadata(e))
        .setCustomMetadata(UnsafeByteOperations.unsafeWrap(e.metadata()))
        .setData(UnsafeByteOperations.unsafeWrap(e.data()))
        .build();
  }

  static ReadResp streamsReadResp(ResolvedEvent r, boolean uuidAsString) {
    ReadResp.ReadEvent.Builder b =
        ReadResp.ReadEvent.newBuilder()
            .setEvent(streamsEvent(r.event(), uuidAsString))
            .setCommitPosition(r.position());
    if (r.link() != null) {
      b.setLink(streamsEvent(r.link(), uuidAsString));
    }
    return ReadResp.newBuilder().setEvent(b).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Events for PersistentSubscriptions/Read

  static Persistent.ReadResp.ReadEvent.RecordedEvent persistentEvent(
      RecordedEvent e, boolean uuidAsString) {
    return Persistent.ReadResp.ReadEvent.RecordedEvent.newBuilder()
        .setId(uuid(e.id(), uuidAsString))
        .setStreamIdentifier(streamIdentifier(e.stream()))
        .setStreamRevision(e.revision())
        .setPreparePosition(e.position())
        .setCommitPosition(e.position())
        .putAllMetadata(systemMetadata(e))
        .setCustomMetadata(UnsafeByteOperations.unsafeWrap(e.metadata()))
        .setData(UnsafeByteOperations.unsafeWrap(e.data()))
        .build();
  }

  static Persistent.ReadResp persistentReadResp(
      ResolvedEvent r, int retryCount, boolean uuidAsString) {
    Persistent.ReadResp.ReadEvent.Builder b =
        Persistent.ReadResp.ReadEvent.newBuilder()
            .setEvent(persistentEvent(r.event(), uuidAsString))
            .setCommitPosition(r.position())
            .setRetryCount(retryCount);
    if (r.link() != null) {
      b.setLink(persistentEvent(r.link(), uuidAsString));
    }
    return Persistent.ReadResp.newBuilder().setEvent(b).build();
  }
}
