package io.watershed.core.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.watershed.core.subscription.Entry;
import io.watershed.core.subscription.ParkSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's parked events, as EventStoreDB keeps them: links ({@code <revision>@<stream>}, with the
 * reason in their metadata) in {@code $persistentsubscription-<source>::<group>-parked}, whose
 * revisions are the tickets; replayed ones are removed by moving the stream's {@code $tb} past
 * them. How many are parked is counted once, when the group loads (the stream's last revision and
 * its {@code $tb}), and kept up to date after, so asking costs nothing. Thread-safe.
 */
final class PersistentSubscriptionsParkedStream implements ParkSink<ResolvedEvent> {
  private static final Logger LOG =
      LoggerFactory.getLogger(PersistentSubscriptionsParkedStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventStore store;
  private final String stream;

  /** The first revision not removed ({@code $tb}). */
  private final AtomicLong first = new AtomicLong();

  /** The revision after the last parked. */
  private final AtomicLong end = new AtomicLong();

  PersistentSubscriptionsParkedStream(EventStore store, String stream) {
    this.store = store;
    this.stream = stream;
    end.set(store.lastRevision(stream) + 1);
    long tb = 0;
    try {
      if (store.readStream("$$" + stream, EventStore.END, false, 1, false)
              instanceof StreamReadResult.Events ev
          && !ev.events().isEmpty()) {
        tb = StreamMetadata.parse(ev.events().get(0).event().data()).truncateBefore();
      }
    } catch (EventStoreException e) {
      LOG.warn("The metadata of {} cannot be read; counting from 0: {}", stream, e.toString());
    }
    first.set(Math.min(tb, end.get()));
  }

  String stream() {
    return stream;
  }

  @Override
  public CompletableFuture<Void> park(Entry<ResolvedEvent> entry, int deliveries, String reason) {
    RecordedEvent target = entry.value().event();
    ProposedEvent link =
        new ProposedEvent(
            UUID.randomUUID(),
            Projections.LINK_TYPE,
            "application/octet-stream",
            (target.revision() + "@" + target.stream()).getBytes(StandardCharsets.UTF_8),
            ("{\"reason\":" + JSON.valueToTree(reason == null ? "" : reason) + "}")
                .getBytes(StandardCharsets.UTF_8));
    return store
        .append(stream, ExpectedRevision.ANY, List.of(link))
        .thenAccept(outcome -> end.accumulateAndGet(outcome.lastRevision() + 1, Math::max));
  }

  @Override
  public long parkedCount() {
    return Math.max(0, end.get() - first.get());
  }

  @Override
  public long firstTicket() {
    return first.get();
  }

  @Override
  public CompletableFuture<Page<ResolvedEvent>> read(long from, int max) {
    try {
      StreamReadResult r = store.readStream(stream, from, true, max, false);
      List<Parked<ResolvedEvent>> parked = new ArrayList<>();
      long next = from;
      if (r instanceof StreamReadResult.Events ev) {
        for (ResolvedEvent link : ev.events()) {
          long revision = link.event().revision();
          next = Math.max(next, revision + 1);
          ResolvedEvent target = resolve(link.event());
          if (target != null) {
            parked.add(new Parked<>(revision, new Entry<>(revision, target, target.size())));
          }
        }
      }
      return CompletableFuture.completedFuture(new Page<>(parked, next));
    } catch (EventStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The event a parked link names, or null when it can no longer be read. */
  private ResolvedEvent resolve(RecordedEvent link) {
    String data = new String(link.data(), StandardCharsets.UTF_8);
    int at = data.indexOf('@');
    if (at <= 0) {
      return null;
    }
    try {
      long revision = Long.parseLong(data.substring(0, at));
      StreamReadResult r = store.readStream(data.substring(at + 1), revision, true, 1, false);
      if (r instanceof StreamReadResult.Events ev
          && !ev.events().isEmpty()
          && ev.events().get(0).event().revision() == revision) {
        return ev.events().get(0);
      }
    } catch (NumberFormatException | EventStoreException e) {
      LOG.debug("Parked link {} cannot be resolved: {}", data, e.toString());
    }
    return null;
  }

  @Override
  public CompletableFuture<Void> removeBefore(long ticket) {
    ProposedEvent md =
        new ProposedEvent(
            UUID.randomUUID(),
            EventRecords.METADATA_TYPE,
            "application/json",
            ("{\"$tb\":" + ticket + "}").getBytes(StandardCharsets.UTF_8),
            new byte[0]);
    return store
        .append("$$" + stream, ExpectedRevision.ANY, List.of(md))
        .thenAccept(outcome -> first.accumulateAndGet(ticket, Math::max));
  }
}
