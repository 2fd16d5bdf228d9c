package io.watershed.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.subscription.CoordinatorCursorStore;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorCollectorTest {
  @TempDir Path dir;

  private static String text(MetricSnapshots snapshots) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, snapshots);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theRuntimesFiguresAreScraped() throws Exception {
    Path data = dir.resolve("data");
    try (TopicStore topics = TopicStore.open(data, LogManagerConfig.defaults(data));
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      CoordinatorCollector collector = new CoordinatorCollector(() -> runtime);
      CoordinatorCursorStore cursors = new CoordinatorCursorStore(runtime, "test.cursors");
      cursors.saveCursor("a", new byte[] {1}).join();
      cursors.saveCursor("b", new byte[] {2}).join();
      String m = text(collector.collect());
      assertThat(m)
          .contains("watershed_coordinator_writes_total 2.0")
          .contains("watershed_coordinator_records_written_total 2.0")
          .contains("watershed_coordinator_failed_writes_total 0.0");
    }
  }

  @Test
  void beforeTheRuntimeStartsThereIsNothingToReport() throws Exception {
    String m = text(new CoordinatorCollector(() -> null).collect());
    assertThat(m).doesNotContain("watershed_coordinator_writes_total ");
  }
}
