package io.watershed.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.embedded.EmbeddedWatershed;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fresh node for every test method, each one closed and its directory deleted after it. */
@WatershedTest(nodePerMethod = true)
class WatershedNodePerMethodTest {
  private static final List<Path> dirs = new CopyOnWriteArrayList<>();
  private EmbeddedWatershed fromBeforeEach;

  @BeforeEach
  void before(EmbeddedWatershed watershed) {
    fromBeforeEach = watershed;
  }

  @AfterAll
  static void everyDirectoryIsGone() {
    assertThat(dirs).hasSize(2).doesNotHaveDuplicates();
    assertThat(dirs).allSatisfy(dir -> assertThat(dir).doesNotExist());
  }

  @Test
  void first(EmbeddedWatershed watershed) {
    assertThat(watershed).isSameAs(fromBeforeEach);
    assertThat(watershed.isRunning()).isTrue();
    dirs.add(watershed.dataDir());
  }

  @Test
  void second(EmbeddedWatershed watershed) {
    assertThat(watershed).isSameAs(fromBeforeEach);
    dirs.add(watershed.dataDir());
  }
}
