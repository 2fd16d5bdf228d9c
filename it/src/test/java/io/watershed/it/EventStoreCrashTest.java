package io.watershed.it;

import static io.watershed.it.EventStoreClients.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process killed with SIGKILL while clients append with exact expected revisions (every
 * event-store append is durable before it is acknowledged), then restarted: every acknowledged
 * append is there with its ids and revisions, revisions have no gaps, nothing was written that was
 * not sent, the stream index agrees with {@code $all}, and appending continues where it stopped. A
 * clean stop and start keeps everything too.
 */
class EventStoreCrashTest {
  private static final int WRITERS = 16;
  private static final int STREAMS_PER_WRITER = 4;

  /** What the clients know of a stream: acknowledged events, and those sent without an answer. */
  private static final class Known {
    final List<UUID> acked = new ArrayList<>();
    final List<UUID> unanswered = new ArrayList<>();
  }

  @Test
  void everyAcknowledgedAppendSurvivesKillNineAndTheIndexAgreesWithTheLog(@TempDir Path dir)
      throws Exception {
    Map<String, Known> known = new ConcurrentHashMap<>();
    WatershedProcess server = new WatershedProcess(dir.resolve("data")).start();
    try {
      for (int round = 0; round < 3; round++) {
        long before = acked(known);
        appendUntilKilled(server, known, round);
        long inFlight = known.values().stream().filter(k -> !k.unanswered.isEmpty()).count();
        assertThat(acked(known))
            .as("appends acknowledged in round %d", round)
            .isGreaterThan(before + 100);
        assertThat(inFlight).as("appends in flight at the kill in round %d", round).isPositive();
        server.start();
        verify(server, known);
      }
      // a clean stop: nothing lost, nothing to recover
      assertThat(server.stop()).isZero();
      server.start();
      verify(server, known);
      assertThat(server.log()).doesNotContain("ERROR");
    } finally {
      server.close();
    }
  }

  private static long acked(Map<String, Known> known) {
    return known.values().stream().mapToLong(k -> k.acked.size()).sum();
  }

  private static void appendUntilKilled(
      WatershedProcess server, Map<String, Known> known, int round) throws Exception {
    KurrentDBClient client = EventStoreClients.client(server.eventStoreConnectionString());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        pool.execute(() -> write(client, known, writer, stop));
      }
      // kill at a different moment each round, appends in full flight
      Thread.sleep(1500 + round * 700L);
      server.kill();
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
      client.shutdown();
    }
  }

  private static void write(
      KurrentDBClient client, Map<String, Known> known, int writer, AtomicBoolean stop) {
    int i = 0;
    while (!stop.get()) {
      String stream = "crash-" + writer + "-" + (i++ % STREAMS_PER_WRITER);
      Known k = known.computeIfAbsent(stream, s -> new Known());
      if (!k.unanswered.isEmpty()) {
        continue; // its state is unknown until the restart tells
      }
      int n = 1 + (i % 3);
      List<EventData> batch = new ArrayList<>();
      List<UUID> ids = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        EventData e = event("Step", "{\"writer\":" + writer + "}");
        batch.add(e);
        ids.add(e.getEventId());
      }
      StreamState expected =
          k.acked.isEmpty()
              ? StreamState.noStream()
              : StreamState.streamRevision(k.acked.size() - 1);
      k.unanswered.addAll(ids);
      try {
        client
            .appendToStream(
                stream, AppendToStreamOptions.get().streamState(expected), batch.iterator())
            .get(10, TimeUnit.SECONDS);
        k.unanswered.clear();
        k.acked.addAll(ids);
      } catch (Exception e) {
        return; // the server is gone; this append may or may not have been made durable
      }
    }
  }

  /**
   * Every stream holds its acknowledged events at revisions 0.. in order, then possibly the last
   * unanswered append whole (durable, answer lost) or not at all, nothing else; {@code $all} holds
   * the same events per stream in the same order. Unanswered appends found become acknowledged.
   */
  private static void verify(WatershedProcess server, Map<String, Known> known) throws Exception {
    KurrentDBClient client = EventStoreClients.client(server.eventStoreConnectionString());
    try {
      Map<String, List<UUID>> byStream = new HashMap<>();
      for (Map.Entry<String, Known> e : known.entrySet()) {
        Known k = e.getValue();
        List<UUID> stored = new ArrayList<>();
        try {
          for (ResolvedEvent r :
              client.readStream(e.getKey(), ReadStreamOptions.get()).get().getEvents()) {
            RecordedEvent ev = r.getOriginalEvent();
            assertThat(ev.getRevision()).as("revision in %s", e.getKey()).isEqualTo(stored.size());
            stored.add(ev.getEventId());
          }
        } catch (ExecutionException notFound) {
          assertThat(notFound.getCause()).isInstanceOf(StreamNotFoundException.class);
        }
        assertThat(stored.subList(0, Math.min(stored.size(), k.acked.size())))
            .as("acknowledged events of %s", e.getKey())
            .isEqualTo(k.acked);
        List<UUID> extra = stored.subList(k.acked.size(), stored.size());
        assertThat(extra.isEmpty() || extra.equals(k.unanswered))
            .as(
                "beyond the acknowledged events of %s: %s (unanswered %s)",
                e.getKey(), extra, k.unanswered)
            .isTrue();
        k.acked.addAll(extra);
        k.unanswered.clear();
        byStream.put(e.getKey(), stored);
      }
      Map<String, List<UUID>> inAll = new HashMap<>();
      for (ResolvedEvent r : client.readAll(ReadAllOptions.get()).get().getEvents()) {
        RecordedEvent ev = r.getOriginalEvent();
        if (ev.getStreamId().startsWith("crash-")) {
          List<UUID> l = inAll.computeIfAbsent(ev.getStreamId(), s -> new ArrayList<>());
          assertThat(ev.getRevision()).isEqualTo(l.size());
          l.add(ev.getEventId());
        }
      }
      byStream.values().removeIf(List::isEmpty);
      assertThat(inAll).as("$all agrees with the stream index").isEqualTo(byStream);
      // appends go on from where each stream stands
      for (Map.Entry<String, Known> e : known.entrySet()) {
        Known k = e.getValue();
        if (!k.acked.isEmpty()) {
          EventData next = event("AfterRestart", "{}");
          client
              .appendToStream(
                  e.getKey(),
                  AppendToStreamOptions.get()
                      .streamState(StreamState.streamRevision(k.acked.size() - 1)),
                  next)
              .get(30, TimeUnit.SECONDS);
          k.acked.add(next.getEventId());
        }
      }
    } finally {
      client.shutdown().get();
    }
  }
}
