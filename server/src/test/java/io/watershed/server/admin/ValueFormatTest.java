package io.watershed.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
  private static ValueFormat.Shown auto(byte[] b) {
    return ValueFormat.AUTO.show(b);
  }

  @Test
  void autoPicksJsonThenTextThenBase64() {
    assertThat(auto("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).format()).isEqualTo("json");
    assertThat(auto("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).value().path("a").asInt())
        .isEqualTo(1);
    assertThat(auto("42".getBytes(StandardCharsets.UTF_8)).format()).isEqualTo("text");
    assertThat(auto("{broken".getBytes(StandardCharsets.UTF_8)).format()).isEqualTo("text");
    assertThat(auto(new byte[] {(byte) 0xff, 0}).format()).isEqualTo("base64");
    assertThat(auto(new byte[] {(byte) 0xff, 0}).value().asText()).isEqualTo("/wA=");
  }

  @Test
  void explicitFormats() {
    byte[] b = "hi".getBytes(StandardCharsets.UTF_8);
    assertThat(ValueFormat.HEX.show(b).value().asText()).isEqualTo("6869");
    assertThat(ValueFormat.BASE64.show(b).value().asText()).isEqualTo("aGk=");
    assertThat(ValueFormat.JSON.show(b).format()).isEqualTo("text");
    assertThat(ValueFormat.TEXT.show((java.nio.ByteBuffer) null).value().isNull()).isTrue();
    assertThat(ValueFormat.decode("aGk=", "base64", "v")).isEqualTo(b);
  }
}
