package io.watershed.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class OpenApiTest {
  /** The conversion happens at the first request, so a broken document must fail here instead. */
  @Test
  void theYamlDocumentConvertsToJson() throws Exception {
    byte[] json = new OpenApi().json();
    assertThat(new ObjectMapper().readTree(json).path("openapi").asText()).startsWith("3.");
  }
}
