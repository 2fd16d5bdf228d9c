package io.watershed.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is busy submitting commands ({@code kill -9}, mid-write, mid-fsync or
 * mid-snapshot: wherever it happens to be) and checks that every acknowledged command survives.
 */
class MetadataStoreCrashTest {

  private static final int ACKS_BEFORE_KILL = 200;

  @TempDir Path dataDir;

  @Test
  @Timeout(60)
  void everyAcknowledgedCommandSurvivesKillDashNine() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingSubmitter.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    List<String> acked = new ArrayList<>();
    List<String> otherOutput = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acked.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          acked.add(line.substring("acked ".length()));
        } else {
          otherOutput.add(line);
        }
      }
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(acked).as("child output: %s", otherOutput).hasSize(ACKS_BEFORE_KILL);

    try (MetadataStore store =
        MetadataStore.open(dataDir, TopicConfigValidator.acceptAll(), (i, c, r, m) -> {})) {
      TopicsImage topics = store.image().topics();
      assertThat(topics.byName().keySet()).containsAll(acked);
      // Every logged command was a successful creation, so indexes and topics correspond.
      assertThat(store.image().lastAppliedIndex()).isEqualTo(topics.size());
    }
  }
}
