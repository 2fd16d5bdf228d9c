package io.watershed.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.kinesis.KinesisConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisSettingsTest {
  @Test
  void defaultsAreKinesisOwn() throws Exception {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    KinesisConfig k = KinesisSettings.build(c.doorSettings("kinesis"), "127.0.0.1", 4567);
    assertThat(k.region()).isEqualTo("us-east-1");
    assertThat(k.accountId()).isEqualTo("000000000000");
    assertThat(k.iteratorLifetimeMs()).isEqualTo(300_000);
    assertThat(k.subscriptionLifetimeMs()).isEqualTo(300_000);
    assertThat(k.verifiesSignatures()).isFalse();
    assertThat(k.emulateLimits()).isFalse();
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
    KinesisConfig k = KinesisSettings.build(c.doorSettings("kinesis"), "127.0.0.1", 0);
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
  }
}
