package io.watershed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void versionPrintsTheProjectVersion() {
    assertThat(run("version")).isZero();
    assertThat(out.toString()).matches("watershed \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    assertThat(out.toString()).doesNotContain("unknown");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: watershed").contains("server").contains("version");
  }

  @Test
  void serverHelpListsTheFlags() {
    assertThat(run("server", "--help")).isZero();
    assertThat(out.toString())
        .contains("--data-dir", "--config", "--bind-host", "--kafka-port", "--eventstore-port")
        .contains("--kinesis-port", "--pulsar-port", "--http-port", "--ports-file", "--log-flush");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: watershed");
  }

  @Test
  void unknownOptionIsOneLineAndExitCode2() {
    assertThat(run("server", "--no-such-flag")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("watershed: Unknown option: '--no-such-flag' (see 'watershed server --help')");
  }

  @Test
  void badConfigValueIsOneLineAndExitCode2() {
    assertThat(run("server", "--http-port", "eighty")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "watershed: invalid http.port 'eighty' (from flag --http-port): expected a port"
                + " number 0-65535 (0 picks a free port)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badFlushIsExitCode2() {
    assertThat(run("server", "--log-flush", "interval:soon")).isEqualTo(2);
    assertThat(err.toString()).startsWith("watershed: invalid log.flush 'interval:soon'");
  }
}
