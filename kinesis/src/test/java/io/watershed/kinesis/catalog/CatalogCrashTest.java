package io.watershed.kinesis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM changes catalog entries from several threads (so changes share group commits) and is
 * killed with SIGKILL at random moments; after each kill the catalog loads, and every stream holds
 * at least the last change acknowledged for it — never a change that was not asked for.
 */
class CatalogCrashTest {
  private static final int ROUNDS = 5;
  @TempDir Path dir;

  @Test
  void everyAcknowledgedChangeSurvivesSigkill() throws Exception {
    Random random = new Random(11);
    Map<String, Long> acked = new HashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      runAndKill(acked, 300 + random.nextInt(900));
      verify(acked);
    }
    assertThat(acked.values().stream().mapToLong(n -> n + 1).sum())
        .as("changes acknowledged over all rounds")
        .isGreaterThan(200);
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
                CatalogCrashChild.class.getName(),
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
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("child opened the catalog").isTrue();
    Thread.sleep(runMillis);
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    reader.join(5000);
  }

  private void verify(Map<String, Long> acked) throws Exception {
    try (TopicStore topics =
            TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      KinesisCatalog catalog = KinesisCatalog.open(runtime, dir.resolve("kinesis"));
      synchronized (acked) {
        for (Map.Entry<String, Long> a : acked.entrySet()) {
          StreamEntry s = catalog.entry(a.getKey()).orElseThrow();
          assertThat(CatalogCrashChild.tag(s))
              .as("stream %s holds its last acknowledged change", a.getKey())
              .isGreaterThanOrEqualTo(a.getValue())
              // At most the one change in flight when killed.
              .isLessThanOrEqualTo(a.getValue() + 1);
        }
      }
      for (StreamEntry s : catalog.entries().values()) {
        assertThat(s.name()).startsWith("crash-");
        assertThat(s.shards()).hasSize(2);
      }
    }
  }
}
