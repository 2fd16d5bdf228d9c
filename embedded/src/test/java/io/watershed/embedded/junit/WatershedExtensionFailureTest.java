package io.watershed.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.watershed.embedded.EmbeddedWatershed;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Test classes that fail, run through the JUnit Platform launcher: the node is closed and its
 * directory deleted however the class ends.
 */
class WatershedExtensionFailureTest {
  static volatile Path dataDir;
  private static final String LAUNCHING =
      "io.watershed.embedded.junit.WatershedExtensionFailureTest#launching";

  /**
   * Whether a test here is running the nested classes. They are disabled otherwise: surefire runs
   * nested classes too when {@code -Dtest} names a pattern they match ({@code Watershed*}).
   */
  private static volatile boolean launching;

  static boolean launching() {
    return launching;
  }

  @Test
  void aFailingTestStillClosesTheNode() {
    TestExecutionSummary summary = run(FailingTest.class);
    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(dataDir).isNotNull().doesNotExist();
  }

  @Test
  void aFailingBeforeAllStillClosesTheNode() {
    TestExecutionSummary summary = run(FailingBeforeAll.class);
    assertThat(summary.getContainersFailedCount()).isEqualTo(1);
    assertThat(summary.getTestsSucceededCount()).isZero();
    assertThat(dataDir).isNotNull().doesNotExist();
  }

  @Test
  void badSettingsFailTheClassWithTheKeyNamed() {
    TestExecutionSummary summary = run(BadSettings.class);
    assertThat(summary.getContainersFailedCount()).isEqualTo(1);
    Throwable failure = summary.getFailures().get(0).getException();
    assertThat(failure)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("kafka.num.partitions");
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    dataDir = null;
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launching = true;
    try {
      LauncherFactory.create()
          .execute(
              LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
              listener);
    } finally {
      launching = false;
    }
    return listener.getSummary();
  }

  @WatershedTest
  @EnabledIf(LAUNCHING)
  static class FailingTest {
    @Test
    void fails(EmbeddedWatershed watershed) {
      dataDir = watershed.dataDir();
      throw new AssertionError("failing on purpose");
    }
  }

  @WatershedTest
  @EnabledIf(LAUNCHING)
  static class FailingBeforeAll {
    @BeforeAll
    static void fails(EmbeddedWatershed watershed) {
      dataDir = watershed.dataDir();
      throw new IllegalStateException("failing on purpose");
    }

    @Test
    void neverRuns() {}
  }

  @WatershedTest(settings = "kafka.num.partitions=zero")
  @EnabledIf(LAUNCHING)
  static class BadSettings {
    @Test
    void neverRuns() {}
  }
}
