package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How keys, values and header values are shown in JSON: {@code text} (UTF-8, bad bytes replaced),
 * {@code json} (the bytes parsed and embedded as JSON; text when they are not JSON), {@code
 * base64}, {@code hex}, or {@code auto}: JSON if they parse as a JSON object or array, else text if
 * they are valid UTF-8, else base64. Each shown value says which format it is in.
 */
enum ValueFormat {
  AUTO,
  TEXT,
  JSON,
  BASE64,
  HEX;

  static final String[] NAMES = {"auto", "text", "json", "base64", "hex"};

  static ValueFormat of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A shown value: the JSON to embed and the format it is in. */
  record Shown(JsonNode value, String format) {}

  Shown show(ByteBuffer bytes) {
    if (bytes == null) {
      return new Shown(JsonNodeFactory.instance.nullNode(), label());
    }
    byte[] b = new byte[bytes.remaining()];
    bytes.duplicate().get(b);
    return show(b);
  }

  Shown show(byte[] b) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (this) {
      case TEXT -> new Shown(f.textNode(new String(b, StandardCharsets.UTF_8)), "text");
      case BASE64 -> new Shown(f.textNode(Base64.getEncoder().encodeToString(b)), "base64");
      case HEX -> new Shown(f.textNode(HexFormat.of().formatHex(b)), "hex");
      case JSON -> {
        JsonNode parsed = parseJson(b);
        yield parsed != null
            ? new Shown(parsed, "json")
            : new Shown(f.textNode(new String(b, StandardCharsets.UTF_8)), "text");
      }
      case AUTO -> {
        JsonNode parsed = looksLikeJson(b) ? parseJson(b) : null;
        if (parsed != null) {
          yield new Shown(parsed, "json");
        }
        String text = strictUtf8(b);
        yield text != null
            ? new Shown(f.textNode(text), "text")
            : new Shown(f.textNode(Base64.getEncoder().encodeToString(b)), "base64");
      }
    };
  }

  private static boolean looksLikeJson(byte[] b) {
    for (byte x : b) {
      if (x == ' ' || x == '\n' || x == '\r' || x == '\t') {
        continue;
      }
      return x == '{' || x == '[';
    }
    return false;
  }

  private static JsonNode parseJson(byte[] b) {
    try {
      return b.length == 0 ? null : Json.MAPPER.readTree(b);
    } catch (IOException e) {
      return null;
    }
  }

  private static String strictUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Bytes sent to the API: text as UTF-8, or base64 when {@code encoding} says so. */
  static byte[] decode(String value, String encoding, String field) {
    if (value == null) {
      return null;
    }
    if ("base64".equals(encoding)) {
      try {
        return Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'" + field + "' is not base64: " + e.getMessage());
      }
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
