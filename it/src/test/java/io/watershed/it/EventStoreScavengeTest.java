package io.watershed.it;

import static io.watershed.it.EventStoreClients.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background scavenge of the server process reclaims the disk space of tombstoned streams and
 * of events beyond {@code $maxCount}, while appends go on, and keeps everything a read can return.
 */
class EventStoreScavengeTest {
  @Test
  void scavengeReclaimsDeletedEventsWhileAppendsGoOn(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (WatershedProcess server =
        new WatershedProcess(
                data,
                "--set",
                "log.segment.bytes=65536",
                "--set",
                "eventstore.scavenge.interval.ms=500")
            .start()) {
      KurrentDBClient client = EventStoreClients.client(server.eventStoreConnectionString());
      try {
        byte[] kilobyte = new byte[1024];
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
          EventData e = EventData.builderAsBinary(UUID.randomUUID(), "Blob", kilobyte).build();
          writes.add(client.appendToStream(i % 2 == 0 ? "doomed-1" : "capped-1", e));
        }
        for (CompletableFuture<?> w : writes) {
          w.get(30, TimeUnit.SECONDS);
        }
        client.tombstoneStream("doomed-1").get();
        StreamMetadata md = new StreamMetadata();
        md.setMaxCount(10L);
        client.setStreamMetadata("capped-1", md).get();
        long before = size(data);
        assertThat(before).as("bytes of $all before scavenging").isGreaterThan(1_500_000);

        // appends go on while the scavenges run
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int kept = 0;
        while (size(data) > before / 4 && System.nanoTime() < deadline) {
          client.appendToStream("kept-1", event("Tick", "{\"n\":" + kept + "}")).get();
          kept++;
          Thread.sleep(20);
        }
        assertThat(size(data))
            .as("bytes of $all after scavenging (%d before)", before)
            .isLessThan(before / 4);
        assertThat(client.readStream("kept-1", ReadStreamOptions.get()).get().getEvents())
            .hasSize(kept);
        assertThat(client.readStream("capped-1", ReadStreamOptions.get()).get().getEvents())
            .extracting(e -> e.getOriginalEvent().getRevision())
            .containsExactlyElementsOf(
                java.util.stream.LongStream.range(990, 1000).boxed().toList());
        assertThat(
                client.readAll(ReadAllOptions.get()).get().getEvents().stream()
                    .filter(e -> e.getOriginalEvent().getStreamId().equals("doomed-1")))
            .isEmpty();
      } finally {
        EventStoreClients.close(client);
      }
      // the revisions survive a restart (and the index rebuild it may bring)
      server.stop();
      server.start();
      KurrentDBClient again = EventStoreClients.client(server.eventStoreConnectionString());
      try {
        assertThat(
                again
                    .appendToStream("capped-1", event("After", "{}"))
                    .get()
                    .getNextExpectedRevision())
            .isEqualTo(io.kurrent.dbclient.StreamState.streamRevision(1000));
      } finally {
        EventStoreClients.close(again);
      }
    }
  }

  /** Bytes of the $all log's segment files. */
  private static long size(Path data) throws IOException {
    Path partitions = data.resolve("log").resolve("partitions");
    try (Stream<Path> dirs = Files.list(partitions)) {
      Path all =
          dirs.filter(d -> d.getFileName().toString().startsWith("__eventstore_all"))
              .findFirst()
              .orElseThrow();
      try (Stream<Path> files = Files.list(all)) {
        return files
            .filter(f -> f.getFileName().toString().endsWith(".log"))
            .mapToLong(
                f -> {
                  try {
                    return Files.size(f);
                  } catch (IOException e) {
                    return 0;
                  }
                })
            .sum();
      }
    }
  }
}
