package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.watershed.core.stream.EventFilter;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ResolvedEvent;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A bounded read of a stream or of {@code $all} ({@code Streams/Read} with a count): the entries in
 * order, a page at a time as the client takes them, then — for clients that ask for it with {@code
 * control_option.compatibility} ≥ 1 — the stream's first and last revision or the last position of
 * {@code $all}, then the end of the call. A stream that does not exist gets one {@code
 * stream_not_found} message.
 */
final class ReadCall extends FlowControlledCall<ReadResp> {
  /** Entries read from the store per page. */
  static final int PAGE = 256;

  private final EventStore store;
  private final EventCursor cursor;
  private final EventFilter filter;
  private final String stream;
  private final boolean compatibility;
  private final boolean uuidAsString;
  private long remaining;

  /** The lowest revision read, reported as the stream's first (-1: none read). */
  private long firstRevision = -1;

  /**
   * @param filter for {@code $all}: the events to send, or null for all
   * @param stream the stream read, or null for {@code $all}
   */
  ReadCall(
      StreamObserver<ReadResp> out,
      Executor executor,
      EventStore store,
      EventCursor cursor,
      EventFilter filter,
      String stream,
      long count,
      boolean compatibility,
      boolean uuidAsString) {
    super(out, executor);
    this.store = store;
    this.cursor = cursor;
    this.filter = filter;
    this.stream = stream;
    this.remaining = count;
    this.compatibility = compatibility;
    this.uuidAsString = uuidAsString;
  }

  @Override
  protected boolean step() {
    if (remaining <= 0) {
      finish();
      return false;
    }
    // A filter may skip whole pages: each step still reads one page, so a long scan never holds
    // a request thread for long.
    List<ResolvedEvent> page = cursor.next(filter == null ? (int) Math.min(PAGE, remaining) : PAGE);
    if (page == null) {
      out.onNext(
          ReadResp.newBuilder()
              .setStreamNotFound(
                  ReadResp.StreamNotFound.newBuilder()
                      .setStreamIdentifier(Wire.streamIdentifier(stream)))
              .build());
      complete();
      return false;
    }
    long sent = 0;
    long bytes = 0;
    for (ResolvedEvent e : page) {
      if (filter != null && (remaining <= 0 || !filter.test(e.original()))) {
        continue;
      }
      remaining--;
      sent++;
      bytes += e.size();
      long revision = e.original().revision();
      if (firstRevision < 0 || revision < firstRevision) {
        firstRevision = revision;
      }
      out.onNext(Wire.streamsReadResp(e, uuidAsString));
    }
    store.delivered(sent, bytes);
    if (page.isEmpty()) {
      finish();
      return false;
    }
    return true;
  }

  private void finish() {
    if (compatibility) {
      if (stream != null) {
        long last = EventCursor.lastRevision(cursor);
        out.onNext(
            ReadResp.newBuilder().setFirstStreamPosition(Math.max(0, firstRevision)).build());
        out.onNext(ReadResp.newBuilder().setLastStreamPosition(Math.max(0, last)).build());
      } else {
        long last = Math.max(0, store.endPosition() - 1);
        out.onNext(
            ReadResp.newBuilder()
                .setLastAllStreamPosition(
                    Shared.AllStreamPosition.newBuilder()
                        .setCommitPosition(last)
                        .setPreparePosition(last))
                .build());
      }
    }
    complete();
  }
}
