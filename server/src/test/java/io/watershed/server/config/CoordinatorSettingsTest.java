package io.watershed.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorSettingsTest {
  @Test
  void shardsDefaultToEightAndComeFromTheEnvironment() throws Exception {
    ServerConfig d = ConfigLoader.load(null, Map.of(), List.of());
    assertThat(CoordinatorSettings.build(d.doorSettings("coordinator")).shards()).isEqualTo(8);
    ServerConfig c =
        ConfigLoader.load(null, Map.of("WATERSHED_COORDINATOR_SHARDS", "16"), List.of());
    assertThat(c.warnings()).isEmpty();
    assertThat(CoordinatorSettings.build(c.doorSettings("coordinator")).shards()).isEqualTo(16);
  }

  @Test
  void shardsOutsideTheirRangeStopTheStart() {
    for (String bad : List.of("0", "1025", "many")) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      null, Map.of(), List.of(Setting.set("coordinator.shards", bad))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("coordinator.shards");
    }
  }
}
