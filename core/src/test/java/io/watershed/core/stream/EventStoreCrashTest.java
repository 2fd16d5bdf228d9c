package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends to the event store (durable, the default) and is killed with SIGKILL at
 * random moments; after each kill every acknowledged append is there, every stream's revisions run
 * from 0 without a gap and hold the events written for them, and the index agrees with the log
 * ({@code $all}) event for event.
 */
class EventStoreCrashTest {
  private static final int ROUNDS = 8;
  @TempDir Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesSigkillAndTheIndexAgreesWithTheLog() throws Exception {
    Random random = new Random(7);
    Map<String, Long> acked = new HashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      runAndKill(acked, 300 + random.nextInt(900));
      verify(acked);
    }
    assertThat(acked.values().stream().mapToLong(last -> last + 1).sum())
        .as("events acknowledged over all rounds")
        .isGreaterThan(500);
  }

  private void runAndKill(Map<String, Long> acked, long runMillis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=none",
                "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED",
                EventStoreCrashChild.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("READY")) {
                    ready.countDown();
                  }
                  String[] p = line.split(" ");
                  if (p.length == 3 && p[0].equals("ACK")) {
                    synchronized (acked) {
                      acked.merge(p[1], Long.parseLong(p[2]), Math::max);
                    }
                  }
                }
              } catch (Exception ignored) {
                // The stream breaks when the child is killed; what was read is what counts.
              }
            });
    reader.start();
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("child opened the store").isTrue();
    Thread.sleep(runMillis);
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    reader.join(5000);
  }

  private void verify(Map<String, Long> acked) throws Exception {
    try (TopicStore topics =
            TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
        IndexedEventStore store =
            IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT)) {
      synchronized (acked) {
        for (Map.Entry<String, Long> a : acked.entrySet()) {
          String stream = a.getKey();
          long last = store.lastRevision(stream);
          assertThat(last)
              .as("acknowledged revisions of %s exist", stream)
              .isGreaterThanOrEqualTo(a.getValue());
          List<ResolvedEvent> events =
              ((StreamReadResult.Events) store.readStream(stream, 0, true, Long.MAX_VALUE, false))
                  .events();
          assertThat(events).hasSize((int) last + 1);
          for (int r = 0; r <= last; r++) {
            RecordedEvent e = events.get(r).event();
            assertThat(e.revision()).isEqualTo(r);
            assertThat(e.data()).isEqualTo(EventStoreCrashChild.data(stream, r));
          }
        }
      }
      // The index and the log agree: every event in $all is where the index says.
      Map<String, Long> counted = new HashMap<>();
      for (ResolvedEvent r : store.readAll(0, true, Integer.MAX_VALUE)) {
        RecordedEvent e = r.event();
        if (!e.stream().startsWith("crash-")) {
          continue;
        }
        assertThat(e.data()).isEqualTo(EventStoreCrashChild.data(e.stream(), e.revision()));
        RecordedEvent indexed =
            ((StreamReadResult.Events) store.readStream(e.stream(), e.revision(), true, 1, false))
                .events()
                .get(0)
                .event();
        assertThat(indexed.position()).isEqualTo(e.position());
        counted.merge(e.stream(), 1L, Long::sum);
      }
      for (Map.Entry<String, Long> c : counted.entrySet()) {
        assertThat(store.lastRevision(c.getKey())).isEqualTo(c.getValue() - 1);
      }
    }
  }
}
