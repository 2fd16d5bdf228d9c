package io.watershed.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.kinesis.KinesisConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisSettingsTest {
  @Test
  void defaultsAreKinesisOwn() throws Exception {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    KinesisConfig k =
        KinesisSettings.build(
            c.doorSettings("kinesis"), "127.0.0.1", 4567, "localhost", Path.of("/data"));
    assertThat(k.region()).isEqualTo("us-east-1");
    assertThat(k.accountId()).isEqualTo("000000000000");
    assertThat(k.iteratorLifetimeMs()).isEqualTo(300_000);
    assertThat(k.subscriptionLifetimeMs()).isEqualTo(300_000);
    assertThat(k.verifiesSignatures()).isFalse();
    assertThat(k.emulateLimits()).isFalse();
    assertThat(k.tls()).as("no TLS listener unless its port is set").isNull();
  }

  @Test
  void aTlsPortAddsTheTlsListenerWithASelfSignedCertificateUnlessFilesAreGiven() throws Exception {
    ServerConfig c =
        ConfigLoader.load(null, Map.of("WATERSHED_KINESIS_TLS_PORT", "4568"), List.of());
    assertThat(c.warnings()).isEmpty();
    KinesisConfig k =
        KinesisSettings.build(
            c.doorSettings("kinesis"), "0.0.0.0", 4567, "broker1.example.com", Path.of("/data"));
    assertThat(k.tls().port()).isEqualTo(4568);
    assertThat(k.tls().certFile()).isNull();
    assertThat(k.tls().selfSignedDir()).isEqualTo(Path.of("/data/kinesis/tls"));
    assertThat(k.tls().hosts()).contains("broker1.example.com");

    ServerConfig files =
        ConfigLoader.load(
            null,
            Map.of(),
            List.of(
                Setting.set("kinesis.tls.port", "0"),
                Setting.set("kinesis.tls.cert.file", "/etc/tls/cert.pem"),
                Setting.set("kinesis.tls.key.file", "/etc/tls/key.pem")));
    KinesisConfig given =
        KinesisSettings.build(
            files.doorSettings("kinesis"), "127.0.0.1", 4567, "localhost", Path.of("/data"));
    assertThat(given.tls().certFile()).isEqualTo(Path.of("/etc/tls/cert.pem"));
    assertThat(given.tls().keyFile()).isEqualTo(Path.of("/etc/tls/key.pem"));
  }

  @Test
  void settingsComeFromFlagsAndEnvironment() throws Exception {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of("WATERSHED_KINESIS_ITERATOR_LIFETIME_MS", "2000"),
            List.of(
                Setting.set("kinesis.access.key.id", "AKID"),
                Setting.set("kinesis.secret.access.key", "secret"),
                Setting.set("kinesis.emulate.limits", "true"),
                Setting.set("kinesis.account.id", "123456789012")));
    assertThat(c.warnings()).isEmpty();
    KinesisConfig k =
        KinesisSettings.build(
            c.doorSettings("kinesis"), "127.0.0.1", 0, "localhost", Path.of("/data"));
    assertThat(k.iteratorLifetimeMs()).isEqualTo(2000);
    assertThat(k.verifiesSignatures()).isTrue();
    assertThat(k.emulateLimits()).isTrue();
    assertThat(k.accountId()).isEqualTo("123456789012");
  }

  @Test
  void badValuesStopStartUp() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    null, Map.of(), List.of(Setting.set("kinesis.iterator.lifetime.ms", "soon"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kinesis.iterator.lifetime.ms");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    null, Map.of(), List.of(Setting.set("kinesis.access.key.id", "AKID"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kinesis.secret.access.key");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(null, Map.of(), List.of(Setting.set("kinesis.account.id", "12"))))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    null,
                    Map.of(),
                    List.of(
                        Setting.set("kinesis.tls.port", "4568"),
                        Setting.set("kinesis.tls.cert.file", "/etc/tls/cert.pem"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kinesis.tls.key.file");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    null, Map.of(), List.of(Setting.set("kinesis.tls.port", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kinesis.tls.port");
  }
}
